using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace OrleansKv.Grains.Storage.Redis;

/// <summary>
/// The store's multiplexer: made from <see cref="RedisStoreOptions.ConfigurationString"/> (owned) or taken from
/// <see cref="RedisStoreOptions.CreateMultiplexer"/> (owned unless <see cref="RedisStoreOptions.IsShared"/>), on first use
/// and without blocking. A failed attempt is forgotten, so the next operation tries again.
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable, IDisposable
{
    private readonly RedisStoreOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _sync = new();
    private Task<IDatabase>? _connecting;
    private IConnectionMultiplexer? _multiplexer;
    private IDatabase? _database;
    private bool _disposed;

    public RedisConnection(RedisStoreOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
    }

    /// <summary>True when the store closes the multiplexer on disposal.</summary>
    public bool OwnsMultiplexer => _options.CreateMultiplexer is null || !_options.IsShared;

    /// <summary>The database to talk to, connecting first when needed.</summary>
    public ValueTask<IDatabase> GetDatabaseAsync() =>
        Volatile.Read(ref _database) is { } database ? new ValueTask<IDatabase>(database) : new ValueTask<IDatabase>(ConnectOnce());

    public async ValueTask DisposeAsync()
    {
        if (Detach() is { } multiplexer)
        {
            await CloseIfOwnedAsync(multiplexer).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (Detach() is { } multiplexer && OwnsMultiplexer)
        {
            multiplexer.Dispose();
        }
    }

    /// <summary>Marks the connection disposed and hands back the multiplexer it held, if any.</summary>
    private IConnectionMultiplexer? Detach()
    {
        lock (_sync)
        {
            _disposed = true;
            var multiplexer = _multiplexer;
            _multiplexer = null;
            _database = null;
            return multiplexer;
        }
    }

    private async Task CloseIfOwnedAsync(IConnectionMultiplexer multiplexer)
    {
        if (OwnsMultiplexer)
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
            multiplexer.Dispose();
        }
    }

    private Task<IDatabase> ConnectOnce()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, typeof(RedisNamespaceStore));
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                _connecting = ConnectAsync();
            }

            return _connecting;
        }
    }

    private async Task<IDatabase> ConnectAsync()
    {
        IConnectionMultiplexer multiplexer;
        try
        {
            if (_options.CreateMultiplexer is { } create)
            {
                multiplexer = create() ?? throw new InvalidOperationException($"{nameof(RedisStoreOptions)}.{nameof(RedisStoreOptions.CreateMultiplexer)} returned null.");
            }
            else
            {
                var configuration = ConfigurationOptions.Parse(_options.ConfigurationString!);
                configuration.AbortOnConnectFail = false;
                multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            LogConnectFailed(_logger, ex);
            throw new NamespaceStoreException($"The Redis store could not connect: {ex.GetType().Name}: {ex.Message}");
        }

        var database = multiplexer.GetDatabase(_options.Database ?? -1);
        bool disposed;
        lock (_sync)
        {
            disposed = _disposed;
            if (!disposed)
            {
                _multiplexer = multiplexer;
                Volatile.Write(ref _database, database);
            }
        }

        if (disposed)
        {
            await CloseIfOwnedAsync(multiplexer).ConfigureAwait(false);
            throw new ObjectDisposedException(nameof(RedisNamespaceStore));
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            var endpoints = string.Join(", ", multiplexer.GetEndPoints().Select(e => e.ToString()));
            LogConnected(
                _logger,
                endpoints,
                database.Database,
                _options.KeyPrefix,
                OwnsMultiplexer ? "owned by the store" : "shared, not closed by the store",
                multiplexer.IsConnected);
        }

        return database;
    }

    [LoggerMessage(EventId = (int)RedisStoreLogEvent.StoreConnected, Level = LogLevel.Information,
        Message = "Redis store using {Endpoints}, database {Database}, key prefix '{KeyPrefix}', connection {Ownership} (connected now: {IsConnected})")]
    private static partial void LogConnected(ILogger logger, string endpoints, int database, string keyPrefix, string ownership, bool isConnected);

    [LoggerMessage(EventId = (int)RedisStoreLogEvent.ConnectFailed, Level = LogLevel.Error,
        Message = "Redis store could not create its connection")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception);
}
