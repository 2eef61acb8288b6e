
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Storage.Redis;

/// <summary>
/// A redis-server in cluster mode that owns all 16384 slots: a one-node Redis Cluster on loopback. Redis then
/// refuses multi-key commands and scripts whose declared keys span slots (CROSSSLOT), and the client routes by slot.
/// </summary>
public sealed class RedisClusterNodeFixture : IAsyncLifetime
{
    private RedisServerProcess? _server;

    public string ConnectionString => (_server ?? throw new InvalidOperationException("The fixture is not initialized.")).ConnectionString;

    public async Task InitializeAsync()
    {
        // nodes.conf goes to the server's own directory (its working directory).
        _server = await RedisServerProcess.StartAsync(arguments: ["--cluster-enabled", "yes", "--cluster-announce-ip", "127.0.0.1"]);
        var added = await _server.TrySendAsync("CLUSTER ADDSLOTSRANGE 0 16383");
        if (added?.StartsWith("+OK", StringComparison.Ordinal) != true)
        {
            throw new InvalidOperationException($"CLUSTER ADDSLOTSRANGE failed: {added}");
        }

        if (!await TestSilo.EventuallyAsync(async () => (await _server.TrySendAsync("CLUSTER INFO"))?.Contains("cluster_state:ok", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(20)))
        {
            throw new InvalidOperationException("The one-node cluster did not reach cluster_state:ok.");
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
