using System.Diagnostics.Metrics;

namespace OrleansKv.Grains;

/// <summary>
/// Instruments of the namespace grains of one silo: operations per kind, group-commit batch sizes and outcomes, and
/// the counts of the namespaces active on this silo (keys, logical bytes, stored contents and their bytes, dedup hits).
/// The grains push every change; nothing reads a grain. One instance per silo, its meter created by the silo's
/// <see cref="IMeterFactory"/>, so that a metrics pipeline can tell silos sharing a process apart by the meter's scope.
/// </summary>
public sealed class NamespaceMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OrleansKv.Grains";

    private readonly Counter<long> _operations;
    private readonly Histogram<long> _commitBatch;
    private readonly Counter<long> _commits;
    private readonly Counter<long> _dedupHits;
    private readonly UpDownCounter<long> _keys;
    private readonly UpDownCounter<long> _bytes;
    private readonly UpDownCounter<long> _objects;
    private readonly UpDownCounter<long> _storedBytes;
    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _quotaRefusals;
    private long _logicalTotal;
    private long _storedTotal;

    public NamespaceMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _operations = meter.CreateCounter<long>("kv_storage_ops_total", description: "Key-value operations executed by namespace grains, by operation.");
        _commitBatch = meter.CreateHistogram<long>("kv_group_commit_batch_size", unit: "{write}", description: "Write requests carried by one group commit.");
        _commits = meter.CreateCounter<long>("kv_group_commits_total", description: "Group commits by outcome (committed, fenced, failed).");
        _dedupHits = meter.CreateCounter<long>("kv_storage_dedup_hits_total", description: "Writes whose content the namespace already stored, so no bytes were stored for them.");
        _keys = meter.CreateUpDownCounter<long>("kv_storage_keys_total", description: "Keys stored in the namespaces active on this silo (expired keys count until swept).");
        _bytes = meter.CreateUpDownCounter<long>("kv_storage_bytes_total", description: "Key plus value bytes stored in the namespaces active on this silo, as written (logical).");
        _objects = meter.CreateUpDownCounter<long>("kv_storage_objects_total", description: "Distinct contents stored by the namespaces active on this silo (each once per namespace).");
        _storedBytes = meter.CreateUpDownCounter<long>("kv_storage_stored_bytes", unit: "By", description: "Bytes the contents of the namespaces active on this silo take in storage, after deduplication and compression.");
        _quotaRefusals = meter.CreateCounter<long>("kv_quota_refusals_total", description: "Writes refused by a namespace quota, by quota (keys, bytes, value_size).");
        _active = meter.CreateUpDownCounter<long>("kv_namespaces_active", description: "Namespace grains active on this silo.");
        meter.CreateObservableGauge(
            "kv_storage_compression_ratio",
            () => Volatile.Read(ref _storedTotal) is > 0 and var stored ? (double)Volatile.Read(ref _logicalTotal) / stored : 1.0,
            description: "Logical bytes over stored bytes of the namespaces active on this silo (deduplication and compression together).");
    }

    internal void Operation(string operation) => _operations.Add(1, new KeyValuePair<string, object?>("operation", operation));

    internal void Committed(int units, long dedupHits)
    {
        _commitBatch.Record(units);
        CommitOutcome("committed");
        if (dedupHits > 0)
        {
            _dedupHits.Add(dedupHits);
        }
    }

    internal void QuotaRefused(QuotaKind kind) => _quotaRefusals.Add(1, new KeyValuePair<string, object?>("quota", kind switch
    {
        QuotaKind.Keys => "keys",
        QuotaKind.Bytes => "bytes",
        _ => "value_size",
    }));

    internal void CommitOutcome(string outcome) => _commits.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A namespace became active on this silo with these counts.</summary>
    internal void Activated(long keys, long bytes, long objects, long storedBytes)
    {
        _active.Add(1);
        Counts(keys, bytes, objects, storedBytes);
    }

    /// <summary>A namespace with these counts left this silo.</summary>
    internal void Deactivated(long keys, long bytes, long objects, long storedBytes)
    {
        _active.Add(-1);
        Counts(-keys, -bytes, -objects, -storedBytes);
    }

    /// <summary>The counts of an active namespace changed by these amounts.</summary>
    internal void Counts(long keys, long bytes, long objects, long storedBytes)
    {
        Add(_keys, keys);
        Add(_bytes, bytes);
        Add(_objects, objects);
        Add(_storedBytes, storedBytes);
        Interlocked.Add(ref _logicalTotal, bytes);
        Interlocked.Add(ref _storedTotal, storedBytes);
    }

    private static void Add(UpDownCounter<long> counter, long delta)
    {
        if (delta != 0)
        {
            counter.Add(delta);
        }
    }
}
