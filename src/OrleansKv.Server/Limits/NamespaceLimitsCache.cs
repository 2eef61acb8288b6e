using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OrleansKv.Grains;
using OrleansKv.Server.Configuration;

namespace OrleansKv.Server.Limits;

/// <summary>
/// This front end's copy of each namespace's rate overrides, read from the namespace grain (which persists them) and
/// re-read in the background every LIMITS_REFRESH_SECONDS, so an override set through another silo takes effect here
/// within that time; one set through this silo takes effect at once. Until a namespace's first read returns, its
/// rate is the configured default. Bounded: idle namespaces drop out.
/// </summary>
internal sealed partial class NamespaceLimitsCache : IDisposable
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);

    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly ILogger<NamespaceLimitsCache> _logger;
    private readonly TimeSpan _refresh;
    private readonly int _defaultOps;
    private readonly int _defaultBurst;

    public NamespaceLimitsCache(IGrainFactory grains, IOptions<LimitsOptions> options, TimeProvider time, ILogger<NamespaceLimitsCache> logger)
    {
        _grains = grains;
        _time = time;
        _logger = logger;
        _refresh = TimeSpan.FromSeconds(options.Value.LimitsRefreshSeconds);
        _defaultOps = options.Value.NamespaceOpsPerSecond;
        _defaultBurst = options.Value.NamespaceBurst;
    }

    /// <summary>The request rate in force for <paramref name="ns"/> (overrides over the defaults), as this front end knows it.</summary>
    public RateLimit RateOf(string ns)
    {
        if (!_entries.TryGetValue(ns, out Entry? entry) || entry is null)
        {
            entry = new Entry();
            _entries.Set(ns, entry, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = Idle });
        }

        if (_time.GetElapsedTime(Volatile.Read(ref entry.FetchedAt)) >= _refresh && Interlocked.Exchange(ref entry.Refreshing, 1) == 0)
        {
            _ = RefreshAsync(ns, entry);
        }

        return RateOf(entry.Overrides);
    }

    /// <summary>The rate that <paramref name="overrides"/> put in force.</summary>
    public RateLimit RateOf(NamespaceLimits? overrides) =>
        RateLimit.Of(overrides?.OpsPerSecond ?? _defaultOps, overrides?.Burst ?? _defaultBurst);

    /// <summary>Takes the overrides just written through this silo.</summary>
    public void Update(string ns, NamespaceLimits overrides)
    {
        var entry = new Entry { Overrides = overrides, FetchedAt = _time.GetTimestamp() };
        _entries.Set(ns, entry, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = Idle });
    }

    public void Dispose() => _entries.Dispose();

    private async Task RefreshAsync(string ns, Entry entry)
    {
        try
        {
            var info = await _grains.GetGrain<INamespaceGrain>(ns).GetLimitsAsync();
            entry.Overrides = info.Overrides;
        }
        catch (Exception ex)
        {
            // Keep what is known (the defaults at first) and try again after the refresh period.
            LogRefreshFailed(_logger, ex, ns);
        }
        finally
        {
            Volatile.Write(ref entry.FetchedAt, _time.GetTimestamp());
            Volatile.Write(ref entry.Refreshing, 0);
        }
    }

    [LoggerMessage(EventId = 3400, Level = LogLevel.Debug, Message = "Namespace {Namespace}: could not read its limits; the ones known are kept")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, string @namespace);

    private sealed class Entry
    {
        public volatile NamespaceLimits? Overrides;
        public long FetchedAt = long.MinValue / 2;
        public int Refreshing;
    }
}
