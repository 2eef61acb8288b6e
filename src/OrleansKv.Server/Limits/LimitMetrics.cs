using System.Diagnostics.Metrics;

namespace OrleansKv.Server.Limits;

/// <summary>
/// Instruments of the front end's rate limits: requests refused as throttled, by protocol. (Quota refusals are counted
/// by the namespace grains: <c>kv_quota_refusals_total</c>.) One instance per server with a meter of its own.
/// </summary>
public sealed class LimitMetrics : IDisposable
{
    public const string MeterNamePrefix = "OrleansKv.Server.Limits";

    private readonly Meter _meter;
    private readonly Counter<long> _throttled;

    public LimitMetrics()
    {
        MeterName = $"{MeterNamePrefix}.{Guid.NewGuid():N}";
        _meter = new Meter(MeterName);
        _throttled = _meter.CreateCounter<long>("kv_rate_limited_total", description: "Requests refused by a namespace or credential rate limit, by protocol.");
    }

    /// <summary>The name of this server's meter.</summary>
    public string MeterName { get; }

    public void Throttled(string protocol) => _throttled.Add(1, new KeyValuePair<string, object?>("protocol", protocol));

    public void Dispose() => _meter.Dispose();
}
