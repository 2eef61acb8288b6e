namespace OrleansKv.Runtime;

/// <summary>
/// The runtime's view of the cluster: who this silo is and which silos are alive. Implemented by the
/// membership service over an <see cref="IMembershipTable"/>.
/// </summary>
public interface IClusterMembership
{
    /// <summary>This silo.</summary>
    SiloAddress LocalSilo { get; }

    /// <summary>The latest snapshot this silo has read.</summary>
    MembershipSnapshot Current { get; }

    /// <summary>This silo's own status.</summary>
    SiloStatus LocalStatus { get; }

    /// <summary>Raised (off the caller's thread, never concurrently with itself) after <see cref="Current"/> changes.</summary>
    event Action<MembershipSnapshot>? Changed;

    /// <summary>Tells the membership service that a call to <paramref name="silo"/> failed to connect, so it can
    /// probe it now instead of at the next period. Never blocks.</summary>
    void ReportUnreachable(SiloAddress silo);
}
