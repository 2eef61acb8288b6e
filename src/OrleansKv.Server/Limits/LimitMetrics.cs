using System.Diagnostics.Metrics;

namespace OrleansKv.Server.Limits;

/// <summary>
/// Instruments of the front end's rate limits: requests refused as throttled, by protocol. (Quota refusals are counted
/// by the namespace grains: <c>kv_quota_refusals_total</c>.) Its meter comes from the server's <see cref="IMeterFactory"/>.
/// </summary>
public sealed class LimitMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OrleansKv.Server.Limits";

    private readonly Counter<long> _throttled;

    public LimitMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _throttled = meterFactory.Create(MeterName).CreateCounter<long>("kv_rate_limited_total", description: "Requests refused by a namespace or credential rate limit, by protocol.");
    }

    public void Throttled(string protocol) => _throttled.Add(1, new KeyValuePair<string, object?>("protocol", protocol));
}
