using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

/// <summary>
/// One namespace (tenant) of the key-value store. The grain owns its keys: it is the single writer of its
/// namespace, orders its writes, batches concurrent writes into group commits and acknowledges a write only
/// once it is durable. Every operation is linearizable per key (docs/consistency.md).
/// </summary>
/// <remarks>
/// Failures a caller can act on: <see cref="NamespaceMovedException"/> (nothing was applied; call again and the
/// namespace's current owner answers) and <see cref="NamespaceStoreException"/> (storage failed; a write's outcome is
/// unknown). Bad arguments are <see cref="KvErrorException"/> with their code; a write a quota refuses, <see cref="NamespaceQuotaException"/> (one of them).
/// </remarks>
[Alias("OrleansKv.INamespaceGrain")]
public interface INamespaceGrain : IGrainWithStringKey
{
    /// <summary>Reads a key; <c>null</c> when absent or expired.</summary>
    [Alias("Get")]
    ValueTask<StoredEntry?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Writes a key, subject to its conditions.</summary>
    [Alias("Set")]
    ValueTask<SetResult> SetAsync(SetCommand command, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key, only at version <paramref name="ifMatch"/> when given.</summary>
    [Alias("Delete")]
    ValueTask<DeleteResult> DeleteAsync(string key, long? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Streams keys in byte order; never holds the whole listing in memory.</summary>
    [Alias("List")]
    IAsyncEnumerable<EntrySummary> ListAsync(ListQuery query, CancellationToken cancellationToken = default);

    /// <summary>Runs up to 1000 operations in order; all writes apply atomically or none do.</summary>
    [Alias("Batch")]
    ValueTask<BatchResult> BatchAsync(IReadOnlyList<BatchOperation> operations, CancellationToken cancellationToken = default);

    /// <summary>The namespace's limit overrides, the quotas in force and its durable usage.</summary>
    [Alias("GetLimits")]
    ValueTask<NamespaceLimitsInfo> GetLimitsAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the namespace's limit overrides (persisted as grain state); null fields mean the defaults.</summary>
    [Alias("SetLimits")]
    ValueTask<NamespaceLimitsInfo> SetLimitsAsync(NamespaceLimits overrides, CancellationToken cancellationToken = default);
    /// <summary>
    /// Runs key operations in order, atomically: what they write is staged as one unit and answered once durable.
    /// An operation that fails its condition or does not apply to a value changes nothing and the others go on.
    /// </summary>
    [Alias("Execute")]
    ValueTask<IReadOnlyList<KeyOpResult>> ExecuteAsync(IReadOnlyList<KeyOperation> operations, CancellationToken cancellationToken = default);

    /// <summary>Key and byte counts.</summary>
    [Alias("Stats")]
    ValueTask<NamespaceStats> GetStatsAsync(CancellationToken cancellationToken = default);
}
