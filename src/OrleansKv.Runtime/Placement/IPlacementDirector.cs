namespace OrleansKv.Runtime;

/// <summary>Chooses the silo on which a grain without an activation is activated.</summary>
public interface IPlacementDirector
{
    /// <summary>Picks one of <see cref="MembershipSnapshot.ActiveSilos"/> for <paramref name="grainId"/>.</summary>
    SiloAddress PickSilo(GrainId grainId, MembershipSnapshot membership);
}

/// <summary>There is no active silo to place a grain on (the cluster is starting or gone).</summary>
public sealed class NoActiveSilosException : GrainRoutingException
{
    public NoActiveSilosException()
        : base("No active silo is available to host the grain.", null)
    {
    }

}
