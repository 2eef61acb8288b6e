using OrleansKv.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansKv.Tests.Storage.Redis;

/// <summary>One redis-server per test class, with an admin connection for looking at what the store wrote.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServerProcess? _server;
    private ConnectionMultiplexer? _admin;

    public RedisServerProcess Server => _server ?? throw new InvalidOperationException("Not started.");

    /// <summary>A connection with admin commands enabled (SCRIPT FLUSH, CLIENT PAUSE), not the store's.</summary>
    public ConnectionMultiplexer Admin => _admin ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _server = await RedisServerProcess.StartAsync();
        _admin = await ConnectAdminAsync(_server);
    }

    public async Task DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.CloseAsync();
            _admin.Dispose();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public static Task<ConnectionMultiplexer> ConnectAdminAsync(RedisServerProcess server) =>
        ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",allowAdmin=true");
}
