using OrleansKv.Grains.Storage;
using OrleansKv.Runtime;

namespace OrleansKv.Grains;

/// <summary>
/// One namespace (tenant) of the key-value store. The grain owns its keys: it is the single writer of its
/// namespace, orders its writes, batches concurrent writes into group commits and acknowledges a write only
/// once it is durable. Reads return committed state only.
/// </summary>
public interface INamespaceGrain : IGrainWithStringKey
{
    /// <summary>Reads a key; <c>null</c> when absent or expired.</summary>
    ValueTask<StoredEntry?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Writes a key, subject to its conditions.</summary>
    ValueTask<SetResult> SetAsync(SetCommand command, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key, only at version <paramref name="ifMatch"/> when given.</summary>
    ValueTask<DeleteResult> DeleteAsync(string key, long? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Streams keys in byte order; never holds the whole listing in memory.</summary>
    IAsyncEnumerable<EntrySummary> ListAsync(ListQuery query, CancellationToken cancellationToken = default);

    /// <summary>Runs up to 1000 operations in order; all writes apply atomically or none do.</summary>
    ValueTask<BatchResult> BatchAsync(IReadOnlyList<BatchOperation> operations, CancellationToken cancellationToken = default);

    /// <summary>Key and byte counts.</summary>
    ValueTask<NamespaceStats> GetStatsAsync(CancellationToken cancellationToken = default);
}
