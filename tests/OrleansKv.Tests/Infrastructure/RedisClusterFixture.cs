using System.Globalization;
using StackExchange.Redis;

namespace OrleansKv.Tests.Infrastructure;

/// <summary>
/// A three-master Redis Cluster on loopback: three redis-server processes in cluster mode (free ports, temporary
/// directories, killed on dispose) joined by <c>redis-cli --cluster create</c>, which splits the 16384 slots evenly.
/// Shared by the tests of <see cref="RedisClusterCollection"/>; each works under names of its own.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private const int Masters = 3;
    private readonly List<RedisServerProcess> _nodes = [];
    private ConnectionMultiplexer? _admin;

    public IReadOnlyList<RedisServerProcess> Nodes => _nodes;

    /// <summary>A StackExchange.Redis configuration string naming every master as a seed node.</summary>
    public string ConnectionString => string.Join(',', _nodes.Select(n => $"127.0.0.1:{n.Port}")) + ",abortConnect=false,connectTimeout=2000,syncTimeout=5000";

    /// <summary>A connection with admin commands, for looking at the cluster (not a store's).</summary>
    public ConnectionMultiplexer Admin => _admin ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var started = await Task.WhenAll(Enumerable.Range(0, Masters).Select(_ => RedisServerProcess.StartAsync(arguments:
            ["--cluster-enabled", "yes", "--cluster-announce-ip", "127.0.0.1", "--cluster-node-timeout", "5000"])));
        _nodes.AddRange(started);
        var (exitCode, output) = await RedisCli.RunAsync(
            ["--cluster", "create", .. _nodes.Select(n => $"127.0.0.1:{n.Port}"), "--cluster-yes"], TimeSpan.FromSeconds(60));
        if (exitCode != 0 || !output.Contains("All 16384 slots covered", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed ({exitCode}):\n{output}");
        }

        await WaitUntilEveryNodeIsOkAsync();
        _admin = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",allowAdmin=true");
    }

    /// <summary>The master that serves <paramref name="slot"/> now, as the cluster itself reports it.</summary>
    public async Task<RedisServerProcess> MasterOfSlotAsync(int slot)
    {
        var slots = (RedisResult[])(await Admin.GetServers()[0].ExecuteAsync("CLUSTER", "SLOTS"))!;
        foreach (var range in slots)
        {
            var entry = (RedisResult[])range!;
            if ((int)entry[0] <= slot && slot <= (int)entry[1])
            {
                var port = (int)((RedisResult[])entry[2]!)[1];
                return _nodes.Single(n => n.Port == port);
            }
        }

        throw new InvalidOperationException($"No master serves slot {slot}.");
    }

    /// <summary>The slot ranges a master serves now, from CLUSTER SLOTS.</summary>
    public async Task<List<(int From, int To)>> SlotsOfAsync(RedisServerProcess node)
    {
        var slots = (RedisResult[])(await Admin.GetServers()[0].ExecuteAsync("CLUSTER", "SLOTS"))!;
        return slots.Select(r => (RedisResult[])r!)
            .Where(e => (int)((RedisResult[])e[2]!)[1] == node.Port)
            .Select(e => ((int)e[0], (int)e[1]))
            .OrderBy(r => r.Item1)
            .ToList();
    }

    /// <summary>Moves <paramref name="slots"/> slots, with their keys, from one master to another with
    /// <c>redis-cli --cluster reshard</c>, while the cluster keeps serving.</summary>
    public async Task<string> ReshardAsync(RedisServerProcess from, RedisServerProcess to, int slots)
    {
        var fromId = await NodeIdAsync(from);
        var toId = await NodeIdAsync(to);
        var (exitCode, output) = await RedisCli.RunAsync(
            [
                "--cluster", "reshard", $"127.0.0.1:{from.Port}",
                "--cluster-from", fromId, "--cluster-to", toId,
                "--cluster-slots", slots.ToString(CultureInfo.InvariantCulture), "--cluster-yes",
            ],
            TimeSpan.FromMinutes(2));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster reshard failed ({exitCode}):\n{output}");
        }

        await WaitUntilEveryNodeIsOkAsync();
        return output;
    }

    public async Task DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.CloseAsync();
            _admin.Dispose();
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private async Task WaitUntilEveryNodeIsOkAsync()
    {
        foreach (var node in _nodes)
        {
            if (!await TestSilo.EventuallyAsync(async () => (await node.TrySendAsync("CLUSTER INFO"))?.Contains("cluster_state:ok", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(20)))
            {
                throw new InvalidOperationException($"Node {node.Port} did not reach cluster_state:ok.");
            }
        }
    }

    private static async Task<string> NodeIdAsync(RedisServerProcess node)
    {
        var reply = await node.TrySendAsync("CLUSTER MYID") ?? throw new InvalidOperationException($"Node {node.Port} did not answer.");

        // A bulk string: "$40\r\n<id>\r\n".
        return reply.Split("\r\n")[1];
    }
}

/// <summary>The tests that share one <see cref="RedisClusterFixture"/> (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "Redis Cluster, three masters";
}
