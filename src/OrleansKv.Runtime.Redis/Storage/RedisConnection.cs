using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrleansKv.Runtime.Redis;

/// <summary>
/// The one connection the three providers share, and the single way they talk to Redis: it connects on first use
/// (with <c>abortConnect=false</c>, so StackExchange.Redis keeps reconnecting in the background after a Redis
/// restart), bounds every call by <see cref="RedisClusteringOptions.OperationTimeout"/> and the caller's token,
/// reloads scripts after <c>NOSCRIPT</c>, and turns every backend failure into a <see cref="RedisProviderException"/>.
/// Only asynchronous StackExchange.Redis calls are used; no thread ever blocks on Redis.
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable, IDisposable
{
    private readonly RedisClusteringOptions _options;
    private readonly ILogger<RedisConnection> _logger;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly Lock _stateLock = new();
    private IConnectionMultiplexer? _multiplexer;
    private bool _owned;
    private bool _disposed;
    private long _scriptReloads;

    public RedisConnection(IOptions<RedisClusteringOptions> options, ILogger<RedisConnection> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>How many times a script was sent again after <c>NOSCRIPT</c> (for tests and diagnostics).</summary>
    public long ScriptReloads => Interlocked.Read(ref _scriptReloads);

    /// <summary>Connects now if not yet connected; does not fail when Redis is down (the connection retries).</summary>
    public Task ConnectAsync(CancellationToken cancellationToken) =>
        RunAsync("connect", _ => Task.FromResult(true), cancellationToken);

    /// <summary>Runs one Redis call: bounded by the operation timeout and <paramref name="cancellationToken"/>, failures wrapped.</summary>
    public async Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var task = RunCoreAsync(call);
        try
        {
            return await task.WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex) when (!task.IsCompleted)
        {
            Observe(task);
            throw new RedisProviderException($"Redis {operation} did not complete within {_options.OperationTimeout.TotalSeconds:0.###} s.", ex);
        }
        catch (OperationCanceledException) when (!task.IsCompleted)
        {
            Observe(task);
            throw;
        }
        catch (Exception ex) when (IsBackendFailure(ex))
        {
            LogOperationFailed(_logger, ex, operation);
            throw new RedisProviderException($"Redis {operation} failed: {ex.Message}", ex);
        }
    }

    /// <summary>Runs a script by its hash; after <c>NOSCRIPT</c> sends its text once (which caches it again).</summary>
    public Task<RedisResult> EvaluateAsync(RedisScript script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken) =>
        RunAsync(script.Name, database => EvaluateCoreAsync(database, script, keys, args), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        var multiplexer = Detach();
        if (multiplexer is not null)
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
            (multiplexer as IDisposable)?.Dispose();
        }
    }

    public void Dispose() => (Detach() as IDisposable)?.Dispose();

    private async Task<T> RunCoreAsync<T>(Func<IDatabase, Task<T>> call)
    {
        var multiplexer = Volatile.Read(ref _multiplexer) ?? await GetOrConnectAsync().ConfigureAwait(false);
        return await call(multiplexer.GetDatabase(_options.Database)).ConfigureAwait(false);
    }

    private async Task<RedisResult> EvaluateCoreAsync(IDatabase database, RedisScript script, RedisKey[] keys, RedisValue[] args)
    {
        try
        {
            return await database.ScriptEvaluateAsync(script.Hash, keys, args).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _scriptReloads);
            LogScriptReloaded(_logger, script.Name);
            return await database.ScriptEvaluateAsync(script.Text, keys, args, CommandFlags.NoScriptCache).ConfigureAwait(false);
        }
    }

    private async Task<IConnectionMultiplexer> GetOrConnectAsync()
    {
        await _connectGate.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_stateLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_multiplexer is { } existing)
                {
                    return existing;
                }
            }

            var (multiplexer, owned) = await CreateMultiplexerAsync().ConfigureAwait(false);
            lock (_stateLock)
            {
                if (!_disposed)
                {
                    multiplexer.ConnectionFailed += OnConnectionFailed;
                    multiplexer.ConnectionRestored += OnConnectionRestored;
                    _owned = owned;
                    Volatile.Write(ref _multiplexer, multiplexer);
                    return multiplexer;
                }
            }

            // Disposed while connecting: do not leak a connection we own.
            if (owned)
            {
                (multiplexer as IDisposable)?.Dispose();
            }

            throw new ObjectDisposedException(nameof(RedisConnection));
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private async Task<(IConnectionMultiplexer Multiplexer, bool Owned)> CreateMultiplexerAsync()
    {
        if (_options.CreateMultiplexer is { } create)
        {
            var supplied = create() ?? throw new InvalidOperationException($"{nameof(RedisClusteringOptions)}.{nameof(RedisClusteringOptions.CreateMultiplexer)} returned null.");
            return (supplied, !_options.IsShared);
        }

        var configuration = ConfigurationOptions.Parse(_options.ConfigurationString!);
        configuration.AbortOnConnectFail = false;
        LogConnecting(_logger, configuration.EndPoints);
        return (await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false), true);
    }

    private IConnectionMultiplexer? Detach()
    {
        IConnectionMultiplexer? multiplexer;
        bool owned;
        lock (_stateLock)
        {
            if (_disposed)
            {
                return null;
            }

            _disposed = true;
            multiplexer = Interlocked.Exchange(ref _multiplexer, null);
            owned = _owned;
        }

        if (multiplexer is null)
        {
            return null;
        }

        multiplexer.ConnectionFailed -= OnConnectionFailed;
        multiplexer.ConnectionRestored -= OnConnectionRestored;
        return owned ? multiplexer : null;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) =>
        LogConnectionFailed(_logger, e.EndPoint, e.FailureType, e.ConnectionType);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) =>
        LogConnectionRestored(_logger, e.EndPoint, e.ConnectionType);

    private static bool IsBackendFailure(Exception ex) =>
        ex is RedisException or RedisCommandException or TimeoutException or ObjectDisposedException;

    /// <summary>Observes the outcome of a call the caller stopped waiting for, so its failure is not unobserved.</summary>
    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    [LoggerMessage(EventId = (int)RedisProviderLogEvent.Connecting, Level = LogLevel.Information, Message = "Connecting the Redis runtime providers to {Endpoints}")]
    private static partial void LogConnecting(ILogger logger, IEnumerable<System.Net.EndPoint> endpoints);

    [LoggerMessage(EventId = (int)RedisProviderLogEvent.ConnectionFailed, Level = LogLevel.Warning, Message = "Redis connection to {Endpoint} failed ({FailureType}, {ConnectionType}); reconnecting in the background")]
    private static partial void LogConnectionFailed(ILogger logger, System.Net.EndPoint? endpoint, ConnectionFailureType failureType, ConnectionType connectionType);

    [LoggerMessage(EventId = (int)RedisProviderLogEvent.ConnectionRestored, Level = LogLevel.Information, Message = "Redis connection to {Endpoint} restored ({ConnectionType})")]
    private static partial void LogConnectionRestored(ILogger logger, System.Net.EndPoint? endpoint, ConnectionType connectionType);

    [LoggerMessage(EventId = (int)RedisProviderLogEvent.ScriptReloaded, Level = LogLevel.Information, Message = "Redis did not know script {Script} (restart or SCRIPT FLUSH); sent its text again")]
    private static partial void LogScriptReloaded(ILogger logger, string script);

    [LoggerMessage(EventId = (int)RedisProviderLogEvent.OperationFailed, Level = LogLevel.Debug, Message = "Redis {Operation} failed")]
    private static partial void LogOperationFailed(ILogger logger, Exception exception, string operation);
}
