using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrleansKv.Grains.Storage.Redis;

/// <summary>
/// The cluster namespace store: every namespace in Redis under its own hash tag (DESIGN.md, "Storage layouts";
/// the key layout is <see cref="RedisKeyLayout"/>). Claims and commits are Lua scripts (<see cref="RedisScripts"/>),
/// atomic per namespace and fenced by epoch and revision; reads are plain hash and sorted-set reads.
/// </summary>
/// <remarks>
/// <para>A commit is acknowledged when Redis has replied, and with <see cref="RedisStoreOptions.WaitReplicas"/> when that many
/// replicas have confirmed it too; how durable that is depends on the server's persistence settings (<c>appendonly yes</c>
/// with <c>appendfsync always</c> survives a Redis crash) and on the replicas (a promoted replica has what it confirmed).</para>
/// <para>Entries with a TTL also carry native Redis expiry, <see cref="RedisStoreOptions.TtlBackstopGrace"/> after they
/// expire. If Redis gets there before the grain's sweep, reads and listings skip the vanished entry, the sweep's
/// delete still removes its index and TTL members and uncounts the key, but its value bytes stay in the namespace's
/// byte count (they cannot be known any more); <see cref="ReadExpiredAsync(string, long, int, CancellationToken)"/> reports such an entry with version 0.</para>
/// <para>Every StackExchange.Redis call is asynchronous and bounded by <see cref="RedisStoreOptions.OperationTimeout"/>
/// (the 1.2 client never times out an asynchronous call itself). Cancellation abandons a read; a claim or commit is
/// cancelled only before it is sent. Failures surface as <see cref="NamespaceStoreException"/>.</para>
/// </remarks>
public sealed partial class RedisNamespaceStore : INamespaceStore, IAsyncDisposable, IDisposable
{
    /// <summary>Most keys one listing round trip asks for (each costs an HMGET).</summary>
    internal const int ListBatchSize = 256;

    private readonly ILogger<RedisNamespaceStore> _logger;
    private readonly RedisConnection _connection;
    private readonly RedisKeyLayout _layout;
    private readonly long _graceMs;
    private readonly TimeSpan _timeout;
    private readonly int _waitReplicas;
    private readonly long _replicaWaitMs;
    private readonly ValueCompression _compression;
    private readonly Action<RedisScript> _onScriptReload;
    private long _scriptReloads;
    private int _disposed;

    /// <summary>Creates the store; it connects on first use.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public RedisNamespaceStore(RedisStoreOptions options, ILogger<RedisNamespaceStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var validation = new RedisStoreOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(RedisStoreOptions), validation.Failures);
        }

        _logger = logger;
        KeyPrefix = options.KeyPrefix;
        _layout = new RedisKeyLayout(options.KeyPrefix);
        _graceMs = (long)options.TtlBackstopGrace.TotalMilliseconds;
        _timeout = options.OperationTimeout;
        _waitReplicas = options.WaitReplicas;
        _replicaWaitMs = (long)options.ReplicaWaitTimeout.TotalMilliseconds;
        _compression = new ValueCompression(options.Compression);
        _connection = new RedisConnection(options, logger);
        _onScriptReload = OnScriptReload;
    }

    /// <summary>The prefix of every Redis key the store writes.</summary>
    public string KeyPrefix { get; }

    /// <summary>How often a script had to be loaded again because Redis did not know it (NOSCRIPT).</summary>
    internal long ScriptReloadCount => Interlocked.Read(ref _scriptReloads);

    /// <summary>The Redis keys of a namespace (tests and diagnostics).</summary>
    internal RedisNamespaceKeys KeysOf(string ns) => _layout.For(ns);

    /// <inheritdoc />
    public ValueTask<NamespaceSnapshot> ClaimAsync(string ns, CancellationToken cancellationToken)
    {
        var keys = _layout.For(ns);
        return RunAsync(
            "claim namespace",
            ns,
            async database =>
            {
                var result = (RedisResult[])(await RedisScripts.Claim.EvaluateAsync(database, [keys.Meta], [], _onScriptReload).ConfigureAwait(false))!;
                await ConfirmReplicatedAsync(database, keys.Meta, "claim", ns).ConfigureAwait(false);
                var epoch = (long)result[0];
                return new NamespaceSnapshot(epoch, (long)result[1], (long)result[2], (long)result[3], PreviousHolderActive: (long)result[4] != epoch - 1)
                {
                    Objects = (long)result[5],
                    StoredBytes = (long)result[6],
                };
            },
            abandonOnCancel: false,
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> IsCurrentEpochAsync(string ns, long epoch, CancellationToken cancellationToken)
    {
        var meta = _layout.For(ns).Meta;
        return RunAsync(
            "check the epoch of namespace",
            ns,
            async database => (long?)await database.HashGetAsync(meta, "epoch").ConfigureAwait(false) == epoch,
            abandonOnCancel: true,
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(string ns, long epoch, CancellationToken cancellationToken)
    {
        var meta = _layout.For(ns).Meta;
        await RunAsync(
            "release namespace",
            ns,
            database => RedisScripts.Release.EvaluateAsync(database, [meta], [epoch], _onScriptReload),
            abandonOnCancel: false,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<CommitResult> CommitAsync(string ns, CommitBatch batch, CancellationToken cancellationToken)
    {
        var keys = _layout.For(ns);
        var (redisKeys, args) = RedisCommitArguments.Build(keys, batch, _graceMs, _compression);
        return RunAsync(
            "commit to namespace",
            ns,
            async database =>
            {
                var result = (RedisResult[])(await RedisScripts.Commit.EvaluateAsync(database, redisKeys, args, _onScriptReload).ConfigureAwait(false))!;
                if ((long)result[0] != 1)
                {
                    return CommitResult.Fenced;
                }

                await ConfirmReplicatedAsync(database, keys.Meta, "commit", ns).ConfigureAwait(false);

                var refs = new KeyValuePair<ContentHash, long>[(result.Length - 6) / 2];
                for (var i = 0; i < refs.Length; i++)
                {
                    refs[i] = new(ContentHash.Of((byte[])result[6 + (2 * i)]!), (long)result[7 + (2 * i)]);
                }

                return new CommitResult(CommitStatus.Committed, (long)result[1], (long)result[2])
                {
                    Objects = (long)result[3],
                    StoredBytes = (long)result[4],
                    DedupHits = (long)result[5],
                    ContentRefs = refs,
                };
            },
            abandonOnCancel: false,
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>True when Redis answers PING within the operation timeout; false on any failure or after disposal.</remarks>
    public async ValueTask<bool> PingAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        try
        {
            var database = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            await Bound(database.PingAsync(), abandonOnCancel: true, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is NamespaceStoreException or ObjectDisposedException || RedisErrors.IsBackendFailure(ex))
        {
            return false;
        }
    }

    /// <summary>Closes the connection unless it is shared (<see cref="RedisStoreOptions.IsShared"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
        LogStoreClosed(KeyPrefix, _connection.OwnsMultiplexer);
    }

    /// <summary>As <see cref="DisposeAsync"/>, closing an owned connection synchronously.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _connection.Dispose();
        LogStoreClosed(KeyPrefix, _connection.OwnsMultiplexer);
    }

    /// <summary>
    /// Runs one store operation: refuses after disposal, honours cancellation before anything is sent, bounds the
    /// wait by the operation timeout, and wraps backend failures.
    /// </summary>
    private async ValueTask<T> RunAsync<T>(
        string operation, string ns, Func<IDatabase, Task<T>> call, bool abandonOnCancel, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var database = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            return await Bound(call(database), abandonOnCancel, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisErrors.IsBackendFailure(ex))
        {
            var wrapped = RedisErrors.Wrap(ex, $"{operation} '{ns}'", _timeout);
            LogOperationFailed(ex, operation, ns);
            throw wrapped;
        }
    }

    /// <summary>Waits for <paramref name="task"/> up to the operation timeout (and, for reads, until cancelled).</summary>
    private async Task<T> Bound<T>(Task<T> task, bool abandonOnCancel, CancellationToken cancellationToken)
    {
        try
        {
            return await (abandonOnCancel ? task.WaitAsync(_timeout, cancellationToken) : task.WaitAsync(_timeout, CancellationToken.None)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && !task.IsCompleted)
        {
            // The abandoned call may still fail later; observe that so it is not reported as unobserved.
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>
    /// With <see cref="RedisStoreOptions.WaitReplicas"/> set, sends <c>WAIT</c> to the primary that holds
    /// <paramref name="key"/>, on the connection the script went over, so it counts the replicas that have everything
    /// that connection wrote so far, the script included. Fewer than asked for, in time: the outcome is unknown.
    /// </summary>
    private async Task ConfirmReplicatedAsync(IDatabase database, RedisKey key, string operation, string ns)
    {
        if (_waitReplicas == 0)
        {
            return;
        }

        var confirmed = (long)await database.Multiplexer.GetServer(key).ExecuteAsync("WAIT", _waitReplicas, _replicaWaitMs).ConfigureAwait(false);
        if (confirmed < _waitReplicas)
        {
            LogReplicasDidNotConfirm(operation, ns, confirmed, _waitReplicas, _replicaWaitMs);
            throw new NamespaceStoreException(
                $"The Redis store could not {operation} '{ns}' durably: the primary applied it, but {confirmed} of {_waitReplicas} replicas confirmed it within {_replicaWaitMs} ms; the outcome is unknown.");
        }
    }

    private void OnScriptReload(RedisScript script)
    {
        Interlocked.Increment(ref _scriptReloads);
        LogScriptReloaded(script.Name);
    }

    [LoggerMessage(EventId = (int)RedisStoreLogEvent.StoreClosed, Level = LogLevel.Information,
        Message = "Redis store with key prefix '{KeyPrefix}' closed (connection closed: {ConnectionClosed})")]
    private partial void LogStoreClosed(string keyPrefix, bool connectionClosed);

    [LoggerMessage(EventId = (int)RedisStoreLogEvent.ScriptReloaded, Level = LogLevel.Information,
        Message = "Redis did not know the store's {Script} script (restart, fail-over or SCRIPT FLUSH); loading it again")]
    private partial void LogScriptReloaded(string script);

    [LoggerMessage(EventId = (int)RedisStoreLogEvent.ReplicasDidNotConfirm, Level = LogLevel.Warning,
        Message = "Redis store {Operation} of {Namespace} applied on the primary but confirmed by {Confirmed} of {Wanted} replicas within {TimeoutMs} ms")]
    private partial void LogReplicasDidNotConfirm(string operation, string @namespace, long confirmed, int wanted, long timeoutMs);

    [LoggerMessage(EventId = (int)RedisStoreLogEvent.OperationFailed, Level = LogLevel.Warning,
        Message = "Redis store could not {Operation} {Namespace}")]
    private partial void LogOperationFailed(Exception exception, string operation, string @namespace);
}
