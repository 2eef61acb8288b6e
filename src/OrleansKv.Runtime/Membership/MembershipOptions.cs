namespace OrleansKv.Runtime;

/// <summary>
/// Timing of the membership protocol. The defaults declare a killed silo dead in about three to four
/// seconds (three missed probes a second apart, confirmed by a second voter) while tolerating a probe
/// answered a second late under full CPU load.
/// </summary>
public sealed class MembershipOptions
{
    /// <summary>How often the table is read.</summary>
    public TimeSpan TableRefreshPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often this silo writes its heartbeat.</summary>
    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each probed silo is probed.</summary>
    public TimeSpan ProbePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A probe not answered within this time counts as missed.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Consecutive missed probes before this silo votes the target dead.</summary>
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>How many other silos each silo probes (its successors on a hash ring).</summary>
    public int ProbedSilos { get; set; } = 3;

    /// <summary>Votes needed to declare a silo dead (fewer when fewer silos are alive to vote).</summary>
    public int VotesForDeath { get; set; } = 2;

    /// <summary>Votes older than this are ignored.</summary>
    public TimeSpan SuspicionWindow { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A silo whose heartbeat is this old and that fails its probes is declared dead by a single voter.</summary>
    public TimeSpan IAmAliveStaleAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Dead entries older than this are removed from the table.</summary>
    public TimeSpan DefunctEntryAge { get; set; } = TimeSpan.FromHours(1);
}
