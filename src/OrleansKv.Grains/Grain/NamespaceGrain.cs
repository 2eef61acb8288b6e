using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

/// <summary>
/// The namespace grain. State lives in the namespace store; the activation keeps a bounded cache of committed
/// entries, the group commit with its staged writes, and the epoch it claimed on activation, which fences every
/// commit it makes.
/// </summary>
/// <remarks>
/// <para>The grain is reentrant: its calls interleave at awaits, one turn at a time on the activation's scheduler, so
/// plain fields need no lock. Writers decide and stage under <see cref="_writeGate"/>, an async gate that is held
/// across the store reads a decision needs and released before the commit is awaited, so concurrent writes share
/// group commits while each decision sees every write staged before it.</para>
/// <para>Consistency (docs/consistency.md): reads answer from committed state only. An outcome decided against a staged
/// write that is not durable yet (a 412, a 404, a created-or-updated choice, a batch that fails) is answered only once
/// that write is durable. Every answer is given while the ownership lease is held (<see cref="OwnershipLease"/>).</para>
/// </remarks>
[Reentrant]
[GrainType(NamespaceGrainSiloExtensions.GrainTypeName)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The gates are SemaphoreSlims whose wait handle is never asked for; they hold nothing to dispose.")]
public sealed partial class NamespaceGrain : Grain, INamespaceGrain, IRemindable
{
    internal const string TtlReminderName = "ttl";

    private readonly INamespaceStore _store;
    private readonly NamespaceGrainOptions _options;
    private readonly NamespaceMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<NamespaceGrain> _logger;
    private readonly EntryCache _cache;
    private readonly GroupCommit _commits;
    private readonly ExpiryTracker _expiry;
    private readonly OwnershipLease _lease;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly IPersistentState<NamespaceLimitsState> _limits;
    private string _ns = string.Empty;
    private long _epoch;
    private long _keyCount;
    private long _totalBytes;
    private long _objects;
    private long _storedBytes;
    private bool _active;
    private Exception? _retired;
    private Task? _confirming;

    public NamespaceGrain(
        INamespaceStore store,
        [PersistentState("limits", LimitsStorageName)] IPersistentState<NamespaceLimitsState> limits,
        IOptions<NamespaceGrainOptions> options,
        NamespaceMetrics metrics,
        [FromKeyedServices(NamespaceGrainSiloExtensions.ClockKey)] TimeProvider time,
        ILogger<NamespaceGrain> logger)
    {
        _store = store;
        _limits = limits;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _cache = new EntryCache(_options.CacheMaxEntries, _options.CacheMaxBytes, _options.CacheMaxValueBytes);
        _commits = new GroupCommit(_options, time, batch => _store.CommitAsync(_ns, batch, CancellationToken.None), OnCommitted, OnCommitFailed);
        _expiry = new ExpiryTracker(_options.MaxSweepInterval);
        _lease = new OwnershipLease(time, _options.OwnershipLease);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ns = this.GetPrimaryKeyString();
        _quotas = QuotasOf(_limits.State.Overrides ?? new NamespaceLimits());
        var started = _time.GetTimestamp();
        var snapshot = await _store.ClaimAsync(_ns, cancellationToken);
        _epoch = snapshot.Epoch;
        _commits.Start(snapshot.Epoch, snapshot.Revision);
        _keyCount = snapshot.KeyCount;
        _totalBytes = snapshot.TotalBytes;
        _objects = snapshot.Objects;
        _storedBytes = snapshot.StoredBytes;
        _lease.Renew(started);
        if (snapshot.PreviousHolderActive && _lease.Duration is { } lease)
        {
            // The previous activation may still be answering from memory until its lease runs out.
            LogWaitingForPreviousHolder(_logger, _ns, _epoch, lease);
            await Task.Delay(lease, _time, cancellationToken);
        }

        await StartTtlAsync(cancellationToken);
        if (_options.MaxActivationLifetime is { } lifetime)
        {
            this.RegisterGrainTimer(_ => { DeactivateOnIdle(); return Task.CompletedTask; }, new GrainTimerCreationOptions(lifetime, Timeout.InfiniteTimeSpan) { Interleave = true });
        }

        _metrics.Activated(_keyCount, _totalBytes, _objects, _storedBytes);
        _active = true;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timerClosed = true;
        _sweepTimer?.Dispose();
        await _commits.DrainAsync();
        if (_active)
        {
            _metrics.Deactivated(_keyCount, _totalBytes, _objects, _storedBytes);
            _active = false;
        }

        if (_retired is null)
        {
            try
            {
                await _store.ReleaseAsync(_ns, _epoch, cancellationToken);
            }
            catch (Exception ex) when (ex is NamespaceStoreException or OperationCanceledException)
            {
                // The next activation then waits out this one's lease: slower, never wrong.
                LogReleaseFailed(_logger, ex, _ns);
            }
        }
    }

    public ValueTask<NamespaceStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfRetired();
        return ValueTask.FromResult(new NamespaceStats(_keyCount, _totalBytes, _commits.CommittedRevision, _cache.Count) { Objects = _objects, StoredBytes = _storedBytes });
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A durable batch: its entries become the committed view, the store's counts the namespace's.</summary>
    private void OnCommitted(List<CommitUnit> batch, CommitResult result, long startedAt)
    {
        foreach (var unit in batch)
        {
            foreach (var mutation in unit.Mutations)
            {
                _cache.SetCommitted(mutation.Key, mutation.Entry);
            }
        }

        foreach (var (hash, refs) in result.ContentRefs)
        {
            _cache.SetRefs(hash, refs);
        }

        _metrics.Counts(result.KeyCount - _keyCount, result.TotalBytes - _totalBytes, result.Objects - _objects, result.StoredBytes - _storedBytes);
        _keyCount = result.KeyCount;
        _totalBytes = result.TotalBytes;
        _objects = result.Objects;
        _storedBytes = result.StoredBytes;
        _metrics.Committed(batch.Count, result.DedupHits);
        _lease.Renew(startedAt);
    }

    /// <summary>A commit failed (its outcome is unknown) or was fenced (another activation owns the namespace).</summary>
    private void OnCommitFailed(Exception failure)
    {
        if (failure is NamespaceMovedException)
        {
            _metrics.CommitOutcome("fenced");
            LogFenced(_logger, _ns, _epoch);
        }
        else
        {
            _metrics.CommitOutcome("failed");
            LogCommitFailed(_logger, failure, _ns);
        }

        Retire(failure);
    }

    /// <summary>
    /// Stops serving: the cache may be older than the store now, so the activation answers nothing more and goes away;
    /// the next call activates the namespace afresh from the store.
    /// </summary>
    private void Retire(Exception reason)
    {
        _retired ??= reason;
        _lease.Revoke();
        _cache.Clear();
        DeactivateOnIdle();
    }

    private void ThrowIfRetired()
    {
        if (_retired is { } reason)
        {
            throw new NamespaceMovedException("The namespace's activation retired; nothing was applied. Retry.", reason);
        }
    }

    /// <summary>Completes at once while the lease is held; otherwise checks the epoch in the store first.</summary>
    private ValueTask EnsureOwnedAsync() => _lease.IsHeld ? ValueTask.CompletedTask : new ValueTask(ConfirmOwnershipAsync());

    /// <summary>One epoch check at a time; callers that need one meanwhile share it.</summary>
    private Task ConfirmOwnershipAsync()
    {
        if (_confirming is not { IsCompleted: false })
        {
            _confirming = ConfirmCoreAsync();
        }

        return _confirming;
    }

    private async Task ConfirmCoreAsync()
    {
        ThrowIfRetired();
        var started = _time.GetTimestamp();
        if (!await _store.IsCurrentEpochAsync(_ns, _epoch, CancellationToken.None))
        {
            LogSuperseded(_logger, _ns, _epoch);
            Retire(new NamespaceMovedException());
        }

        ThrowIfRetired();
        _lease.Renew(started);
    }

    private static void Validate(string key)
    {
        if (KeyRules.ValidateKey(key) is { } error)
        {
            throw new KvErrorException(KvErrorCode.InvalidKey, error);
        }
    }

    private void ValidateValue(byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > _options.MaxValueBytes)
        {
            throw new KvErrorException(KvErrorCode.ValueTooLarge, $"The value is {value.Length} bytes; values are at most {_options.MaxValueBytes} bytes.");
        }
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "Namespace {Namespace}: commit failed; the activation retires")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string @namespace);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Namespace {Namespace}: a newer activation owns it (epoch {Epoch} fenced); the activation retires")]
    private static partial void LogFenced(ILogger logger, string @namespace, long epoch);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Namespace {Namespace}: TTL sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, string @namespace);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Namespace {Namespace}: could not update its TTL reminder")]
    private static partial void LogReminderFailed(ILogger logger, Exception exception, string @namespace);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Namespace {Namespace}: epoch {Epoch} claimed while the previous activation had not released it; waiting {Lease} for its lease to run out")]
    private static partial void LogWaitingForPreviousHolder(ILogger logger, string @namespace, long epoch, TimeSpan lease);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Namespace {Namespace}: a newer activation claimed it (epoch {Epoch} is stale); the activation retires")]
    private static partial void LogSuperseded(ILogger logger, string @namespace, long epoch);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Namespace {Namespace}: could not release its claim on deactivation")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string @namespace);
}
