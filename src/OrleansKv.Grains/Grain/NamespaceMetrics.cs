using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansKv.Grains;

/// <summary>
/// Instruments of the namespace grains of one silo: operations per kind, group-commit batch sizes, commit
/// outcomes, and the key and byte counts of the namespaces active on this silo. One instance per silo, with a
/// meter of its own (<see cref="MeterName"/>), so that silos sharing a process never mix their numbers.
/// </summary>
public sealed class NamespaceMetrics : IDisposable
{
    public const string MeterNamePrefix = "OrleansKv.Grains";

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<NamespaceGrain, byte> _active = new();
    private readonly Counter<long> _operations;
    private readonly Histogram<long> _commitBatch;
    private readonly Counter<long> _commits;

    public NamespaceMetrics()
    {
        MeterName = $"{MeterNamePrefix}.{Guid.NewGuid():N}";
        _meter = new Meter(MeterName);
        _operations = _meter.CreateCounter<long>("kv_storage_ops_total", description: "Key-value operations executed by namespace grains, by operation.");
        _commitBatch = _meter.CreateHistogram<long>("kv_group_commit_batch_size", unit: "{write}", description: "Write requests carried by one group commit.");
        _commits = _meter.CreateCounter<long>("kv_group_commits_total", description: "Group commits by outcome (committed, fenced, failed).");
        _meter.CreateObservableGauge("kv_storage_keys_total", () => Sum(static s => s.Keys), description: "Keys stored in the namespaces active on this silo (expired keys count until swept).");
        _meter.CreateObservableGauge("kv_storage_bytes_total", () => Sum(static s => s.Bytes), description: "Key plus value bytes stored in the namespaces active on this silo.");
        _meter.CreateObservableGauge("kv_namespaces_active", () => (long)_active.Count, description: "Namespace grains active on this silo.");
    }

    /// <summary>The name of this silo's meter.</summary>
    public string MeterName { get; }

    public void Dispose() => _meter.Dispose();

    internal void Operation(string operation) => _operations.Add(1, new KeyValuePair<string, object?>("operation", operation));

    internal void Committed(int units) => _commitBatch.Record(units);

    internal void CommitOutcome(string outcome) => _commits.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    internal void Activated(NamespaceGrain grain) => _active.TryAdd(grain, 0);

    internal void Deactivated(NamespaceGrain grain) => _active.TryRemove(grain, out _);

    private long Sum(Func<NamespaceStats, long> pick)
    {
        long total = 0;
        foreach (var grain in _active.Keys)
        {
            total += pick(grain.Stats);
        }

        return total;
    }
}
