namespace OrleansKv.Grains.Storage;

/// <summary>
/// Persistence for namespaces: one instance per silo, shared by every namespace grain on it.
/// Implementations: <c>SqliteNamespaceStore</c> (embedded) and <c>RedisNamespaceStore</c> (cluster).
/// </summary>
/// <remarks>
/// <para>Every write is fenced: a namespace has an <em>epoch</em> that each new activation claims
/// (<see cref="ClaimAsync"/>) and a <em>revision</em> that each commit advances. A commit applies
/// only when both still match what the committing activation last saw, so a stale activation can
/// never overwrite a newer write (DESIGN.md guarantee 2).</para>
/// <para>Expected outcomes are status results; a backend failure (I/O, connection) surfaces as
/// <see cref="NamespaceStoreException"/> and never as a raw SQLite or Redis exception.</para>
/// <para>Keys are compared and listed in the byte order of their UTF-8 encoding.</para>
/// </remarks>
public interface INamespaceStore
{
    /// <summary>
    /// Claims the namespace for a new activation: atomically increments its epoch (creating the
    /// namespace record on first use) and returns the new epoch with the current revision and stats.
    /// After this returns, commits carrying an older epoch are rejected as <see cref="CommitStatus.Fenced"/>.
    /// </summary>
    ValueTask<NamespaceSnapshot> ClaimAsync(string ns, CancellationToken cancellationToken);

    /// <summary>True while <paramref name="epoch"/> is still the namespace's current epoch (no newer claim).</summary>
    ValueTask<bool> IsCurrentEpochAsync(string ns, long epoch, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the activation holding <paramref name="epoch"/> has stopped serving, so the next claim need not
    /// wait for it (<see cref="NamespaceSnapshot.PreviousHolderActive"/>). Does nothing when a newer claim exists.
    /// </summary>
    ValueTask ReleaseAsync(string ns, long epoch, CancellationToken cancellationToken);

    /// <summary>Reads one entry, or <c>null</c> when absent. Expired entries that have not been swept
    /// yet are returned as stored; the caller decides expiry.</summary>
    ValueTask<StoredEntry?> ReadAsync(string ns, string key, CancellationToken cancellationToken);

    /// <summary>
    /// Applies every mutation of <paramref name="batch"/> atomically, or none of them, and returns only
    /// once the result is durable (SQLite commit, Redis reply). Stats (key count, bytes) and the
    /// revision are maintained by the store within the same atomic step.
    /// </summary>
    ValueTask<CommitResult> CommitAsync(string ns, CommitBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Reads one page of entry summaries whose key starts with <paramref name="prefix"/> and sorts
    /// strictly after <paramref name="startAfter"/> (when given), in byte order, skipping entries
    /// expired at <paramref name="nowUnixMs"/>. At most <paramref name="limit"/> items.
    /// </summary>
    ValueTask<IReadOnlyList<EntrySummary>> ListPageAsync(
        string ns, string prefix, string? startAfter, int limit, long nowUnixMs, CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="limit"/> entries that expired at or before <paramref name="nowUnixMs"/>,
    /// earliest first, as (key, version) pairs for a fenced sweep.</summary>
    ValueTask<IReadOnlyList<ExpiredEntry>> ReadExpiredAsync(string ns, long nowUnixMs, int limit, CancellationToken cancellationToken);

    /// <summary>The earliest expiry (unix ms) of any entry of the namespace, or <c>null</c> when none has a TTL.</summary>
    ValueTask<long?> NextExpiryAsync(string ns, CancellationToken cancellationToken);

    /// <summary>Answers whether the backend is reachable and writable; used by health checks.</summary>
    ValueTask<bool> PingAsync(CancellationToken cancellationToken);
}
