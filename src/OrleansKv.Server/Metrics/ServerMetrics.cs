using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansKv.Server.Metrics;

/// <summary>
/// Instruments of the front end: request durations by protocol, route and status, and error answers by code.
/// One instance per server with a meter of its own (<see cref="MeterName"/>).
/// </summary>
public sealed class ServerMetrics : IDisposable
{
    public const string MeterNamePrefix = "OrleansKv.Server";

    /// <summary>The <see cref="HttpContext.Items"/> key under which an error answer leaves its code.</summary>
    public const string ErrorCodeItem = "orleanskv.error_code";

    /// <summary>Histogram bucket bounds for request durations, in seconds (100 µs to 10 s).</summary>
    public static readonly double[] DurationBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _errors;

    public ServerMetrics()
    {
        MeterName = $"{MeterNamePrefix}.{Guid.NewGuid():N}";
        _meter = new Meter(MeterName);
        _duration = _meter.CreateHistogram<double>("kv_request_duration_seconds", unit: "s", description: "Request duration by protocol, route and status.");
        _errors = _meter.CreateCounter<long>("kv_errors_total", description: "Error answers by protocol and code.");
    }

    /// <summary>The name of this server's meter.</summary>
    public string MeterName { get; }

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

    public void Dispose() => _meter.Dispose();
}
