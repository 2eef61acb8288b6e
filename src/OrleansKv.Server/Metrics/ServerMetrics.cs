using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansKv.Server.Hosting;

namespace OrleansKv.Server.Metrics;

/// <summary>
/// Instruments of the front end: request durations by protocol, route and status, error answers by code, and the
/// cluster size this silo sees. Its meter comes from the server's <see cref="IMeterFactory"/>.
/// </summary>
internal sealed class ServerMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OrleansKv.Server";

    /// <summary>The <see cref="HttpContext.Items"/> key under which an error answer leaves its code.</summary>
    public const string ErrorCodeItem = "orleanskv.error_code";

    /// <summary>Histogram bucket bounds for request durations, in seconds (100 µs to 10 s).</summary>
    public static readonly double[] DurationBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _errors;

    public ServerMetrics(IMeterFactory meterFactory, SiloState silo)
    {
        var meter = meterFactory.Create(MeterName);
        _duration = meter.CreateHistogram<double>("kv_request_duration_seconds", unit: "s", description: "Request duration by protocol, route and status.");
        _errors = meter.CreateCounter<long>("kv_errors_total", description: "Error answers by protocol and code.");
        meter.CreateObservableGauge("kv_cluster_size", () => (long)silo.ClusterSize, description: "Active silos in the cluster, as this silo sees it.");
    }

    public void Request(string protocol, string route, string status, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "protocol", protocol },
            { "route", route },
            { "status", status },
        };
        _duration.Record(elapsed.TotalSeconds, tags);
    }

    public void Error(string protocol, string code) =>
        _errors.Add(1, new KeyValuePair<string, object?>("protocol", protocol), new KeyValuePair<string, object?>("code", code));
}
