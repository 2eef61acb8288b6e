using System.Collections.Immutable;

namespace OrleansKv.Runtime;

/// <summary>One vote that <see cref="MembershipEntry.Silo"/> is dead, cast by <paramref name="Voter"/> at <paramref name="Time"/>.</summary>
public readonly record struct SuspectVote(SiloAddress Voter, DateTimeOffset Time);

/// <summary>One silo's row in the membership table.</summary>
/// <param name="Silo">The silo incarnation.</param>
/// <param name="Status">Its status.</param>
/// <param name="SiloName">A readable name.</param>
/// <param name="StartTime">When it started.</param>
/// <param name="IAmAliveTime">Its last heartbeat (written without bumping the table version).</param>
/// <param name="Suspicions">Recent votes that it is dead.</param>
public sealed record MembershipEntry(
    SiloAddress Silo,
    SiloStatus Status,
    string SiloName,
    DateTimeOffset StartTime,
    DateTimeOffset IAmAliveTime,
    ImmutableArray<SuspectVote> Suspicions);

/// <summary>The whole table at one version.</summary>
public sealed record MembershipTableData(long Version, IReadOnlyList<MembershipEntry> Entries)
{
    public static MembershipTableData Empty { get; } = new(0, []);

    public MembershipEntry? Find(SiloAddress silo) => Entries.FirstOrDefault(e => e.Silo == silo);
}

/// <summary>
/// The membership table provider, as in Orleans: one record per silo incarnation plus a table version.
/// Every status change and vote is a compare-and-set on the table version, so concurrent writers never lose
/// each other's updates; heartbeats are written apart from the version.
/// </summary>
public interface IMembershipTable
{
    /// <summary>Creates what the table needs; idempotent.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Reads every entry and the version.</summary>
    Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Inserts or replaces the row of <see cref="MembershipEntry.Silo"/> and sets the version to
    /// <paramref name="expectedVersion"/> + 1, only if the stored version is still <paramref name="expectedVersion"/>.
    /// Returns false when another writer got there first (read again and retry).
    /// </summary>
    Task<bool> TryWriteAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Records a heartbeat of <paramref name="silo"/>.</summary>
    Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellationToken);

    /// <summary>Removes rows of Dead silos whose heartbeat is older than <paramref name="olderThan"/>.</summary>
    Task CleanupDefunctEntriesAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}
