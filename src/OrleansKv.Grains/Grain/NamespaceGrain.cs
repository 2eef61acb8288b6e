using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansKv.Grains.Storage;
using OrleansKv.Runtime;

namespace OrleansKv.Grains;

/// <summary>
/// The namespace grain. State lives in the namespace store; the grain keeps a bounded cache of committed
/// entries, an overlay of staged (not yet durable) writes, and the fencing epoch it claimed on activation.
/// </summary>
/// <remarks>
/// <para>Writes run as exclusive turns: look up the current entry, check conditions, stage the change
/// (assigning the next revision), end the turn, then await the group commit that carries it. Several
/// writes staged while one commit is in flight go to the store together in the next.</para>
/// <para>Reads run interleaved and see committed state only: the cache, else the store. A write is visible
/// to reads once acknowledged.</para>
/// <para>Everything shared between turns, reads and the commit loop is guarded by <c>_sync</c>, which is
/// never held across an await.</para>
/// </remarks>
public sealed partial class NamespaceGrain : Grain, INamespaceGrain, IRemindable
{
    internal const string TtlReminderName = "ttl";

    private readonly INamespaceStore _store;
    private readonly NamespaceGrainOptions _options;
    private readonly ILogger<NamespaceGrain> _logger;
    private readonly NamespaceMetrics _metrics;
    private readonly Lock _sync = new();
    private readonly Dictionary<string, PendingWrite> _overlay = new(StringComparer.Ordinal);
    private readonly EntryCache _cache;
    private string _ns = string.Empty;
    private long _epoch;
    private long _committedRevision;
    private long _stagedRevision;
    private long _keyCount;
    private long _totalBytes;
    private Exception? _broken;

    public NamespaceGrain(INamespaceStore store, IOptions<NamespaceGrainOptions> options, NamespaceMetrics metrics, ILogger<NamespaceGrain> logger)
    {
        _store = store;
        _metrics = metrics;
        _options = options.Value;
        _logger = logger;
        _cache = new EntryCache(_options.CacheMaxEntries, _options.CacheMaxBytes, _options.CacheMaxValueBytes);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ns = GrainId.Key;
        var snapshot = await _store.ClaimAsync(_ns, cancellationToken).ConfigureAwait(false);
        _epoch = snapshot.Epoch;
        _committedRevision = _stagedRevision = snapshot.Revision;
        _keyCount = snapshot.KeyCount;
        _totalBytes = snapshot.TotalBytes;
        await StartTtlAsync(cancellationToken).ConfigureAwait(false);
        _metrics.Activated(this);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _metrics.Deactivated(this);
        _ttlTimer?.Dispose();
        await DrainCommitsAsync().ConfigureAwait(false);
        if (_broken is null)
        {
            await SyncReminderAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask<NamespaceStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfBroken();
        return ValueTask.FromResult(Stats);
    }

    /// <summary>Committed counts, read without a call (metrics).</summary>
    internal NamespaceStats Stats
    {
        get
        {
            lock (_sync)
            {
                return new NamespaceStats(_keyCount, _totalBytes, _committedRevision);
            }
        }
    }

    /// <summary>Entries this activation holds in its cache (for tests and diagnostics).</summary>
    internal int CachedEntries
    {
        get
        {
            lock (_sync)
            {
                return _cache.Count;
            }
        }
    }

    private long NowMs => TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private void ThrowIfBroken()
    {
        if (_broken is not null)
        {
            throw new StaleActivationException(GrainId);
        }
    }

    private static void Validate(string key)
    {
        if (KeyRules.ValidateKey(key) is { } error)
        {
            throw new ArgumentException(error, nameof(key));
        }
    }

    private void ValidateValue(byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > _options.MaxValueBytes)
        {
            throw new ArgumentException($"The value is {value.Length} bytes; values are at most {_options.MaxValueBytes} bytes.", nameof(value));
        }
    }

    /// <summary>A staged write: the entry it will store (null = delete) and the unit that carries it.</summary>
    private readonly record struct PendingWrite(StoredEntry? Entry, CommitUnit Unit);

    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "Namespace {Namespace}: commit failed; the activation retires")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string @namespace);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Namespace {Namespace}: a newer activation owns it (epoch {Epoch} fenced); the activation retires")]
    private static partial void LogFenced(ILogger logger, string @namespace, long epoch);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Namespace {Namespace}: TTL sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, string @namespace);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Namespace {Namespace}: could not update its TTL reminder")]
    private static partial void LogReminderFailed(ILogger logger, Exception exception, string @namespace);
}
