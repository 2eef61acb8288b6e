using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansKv.Server.Hosting;

namespace OrleansKv.Server.Metrics;

/// <summary>Gauges read from the silo's membership view and the process at scrape time: cluster size, memory, GC
/// and CPU. Activations are counted by the namespace grains themselves (<c>kv_namespaces_active</c>).</summary>
internal sealed class RuntimeGauges : IDisposable
{
    public const string MeterNamePrefix = "OrleansKv.Runtime";

    private readonly Meter _meter;

    public RuntimeGauges(SiloState silo)
    {
        // One meter per silo instance, so that a metrics pipeline sees only its own silo even when several
        // silos share a process (the in-process test cluster).
        MeterName = $"{MeterNamePrefix}.{Guid.NewGuid():N}";
        _meter = new Meter(MeterName);
        _meter.CreateObservableGauge("kv_cluster_size", () => (long)silo.ClusterSize, description: "Active silos in the cluster, as this silo sees it.");
        _meter.CreateObservableGauge("process_working_set_bytes", () => Environment.WorkingSet, description: "Resident memory of the process.");
        _meter.CreateObservableGauge("dotnet_gc_heap_bytes", () => GC.GetTotalMemory(false), description: "Bytes allocated on the managed heap and still referenced or not yet collected.");
        _meter.CreateObservableCounter("dotnet_gc_allocated_bytes_total", () => GC.GetTotalAllocatedBytes(), description: "Bytes allocated on the managed heap since start.");
        _meter.CreateObservableCounter(
            "dotnet_gc_collections_total",
            () => new[]
            {
                new Measurement<long>(GC.CollectionCount(0), new KeyValuePair<string, object?>("generation", "gen0")),
                new Measurement<long>(GC.CollectionCount(1), new KeyValuePair<string, object?>("generation", "gen1")),
                new Measurement<long>(GC.CollectionCount(2), new KeyValuePair<string, object?>("generation", "gen2")),
            },
            description: "Garbage collections by generation.");
        _meter.CreateObservableCounter("process_cpu_seconds_total", () => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, description: "CPU time used by the process.");
    }

    /// <summary>The name of this instance's meter.</summary>
    public string MeterName { get; }

    public void Dispose() => _meter.Dispose();
}
