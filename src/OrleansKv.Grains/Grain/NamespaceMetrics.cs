using System.Diagnostics.Metrics;

namespace OrleansKv.Grains;

/// <summary>
/// Instruments of the namespace grains of one silo: operations per kind, group-commit batch sizes and outcomes, and
/// the key and byte counts of the namespaces active on this silo. The grains push every change; nothing reads a grain.
/// One instance per silo, with a meter of its own (<see cref="MeterName"/>), so silos sharing a process never mix
/// their numbers.
/// </summary>
public sealed class NamespaceMetrics : IDisposable
{
    public const string MeterNamePrefix = "OrleansKv.Grains";

    private readonly Meter _meter;
    private readonly Counter<long> _operations;
    private readonly Histogram<long> _commitBatch;
    private readonly Counter<long> _commits;
    private readonly UpDownCounter<long> _keys;
    private readonly UpDownCounter<long> _bytes;
    private readonly UpDownCounter<long> _active;

    public NamespaceMetrics()
    {
        MeterName = $"{MeterNamePrefix}.{Guid.NewGuid():N}";
        _meter = new Meter(MeterName);
        _operations = _meter.CreateCounter<long>("kv_storage_ops_total", description: "Key-value operations executed by namespace grains, by operation.");
        _commitBatch = _meter.CreateHistogram<long>("kv_group_commit_batch_size", unit: "{write}", description: "Write requests carried by one group commit.");
        _commits = _meter.CreateCounter<long>("kv_group_commits_total", description: "Group commits by outcome (committed, fenced, failed).");
        _keys = _meter.CreateUpDownCounter<long>("kv_storage_keys_total", description: "Keys stored in the namespaces active on this silo (expired keys count until swept).");
        _bytes = _meter.CreateUpDownCounter<long>("kv_storage_bytes_total", description: "Key plus value bytes stored in the namespaces active on this silo.");
        _active = _meter.CreateUpDownCounter<long>("kv_namespaces_active", description: "Namespace grains active on this silo.");
    }

    /// <summary>The name of this silo's meter.</summary>
    public string MeterName { get; }

    public void Dispose() => _meter.Dispose();

    internal void Operation(string operation) => _operations.Add(1, new KeyValuePair<string, object?>("operation", operation));

    internal void Committed(int units)
    {
        _commitBatch.Record(units);
        CommitOutcome("committed");
    }

    internal void CommitOutcome(string outcome) => _commits.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A namespace became active on this silo with these counts.</summary>
    internal void Activated(long keys, long bytes)
    {
        _active.Add(1);
        Counts(keys, bytes);
    }

    /// <summary>A namespace with these counts left this silo.</summary>
    internal void Deactivated(long keys, long bytes)
    {
        _active.Add(-1);
        Counts(-keys, -bytes);
    }

    /// <summary>The counts of an active namespace changed by these amounts.</summary>
    internal void Counts(long keys, long bytes)
    {
        if (keys != 0)
        {
            _keys.Add(keys);
        }

        if (bytes != 0)
        {
            _bytes.Add(bytes);
        }
    }
}
