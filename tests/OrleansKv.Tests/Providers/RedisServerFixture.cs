using OrleansKv.TestingHost;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Providers;

/// <summary>One real redis-server (no persistence) per test class; tests keep apart by a fresh cluster id each.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServerProcess? _server;

    public RedisServerProcess Server => _server ?? throw new InvalidOperationException("The server starts in InitializeAsync.");

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
