using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Server.Namespaces;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.Storage.Redis;
using Xunit.Abstractions;

namespace OrleansKv.Tests.Cluster;

/// <summary>
/// Cluster mode on a three-master Redis Cluster: Orleans' membership, directory and reminders and the namespace store
/// all on it, namespaces spread over the masters, and slots moved between masters under a write load.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisShardedClusterTests(RedisClusterFixture redis, ITestOutputHelper output)
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(StoredEntry? entry) => Encoding.UTF8.GetString(entry!.Value);

    [Fact]
    public async Task SilosClusterOnThreeMastersAndServeNamespacesSpreadOverAllOfThem()
    {
        await using var cluster = await OrleansRedisCluster.StartOnAsync(redis.ConnectionString, 2);
        var (first, second) = (cluster.Cluster.Silos[0], cluster.Cluster.Silos[1]);
        var id = cluster.Cluster.Options.ClusterId;
        var names = Enumerable.Range(0, 18).Select(i => $"spread-{id}-{i}").ToArray();
        foreach (var name in names)
        {
            await cluster.GrainsOf(first).GetGrain<INamespaceGrain>(name).SetAsync(new SetCommand("k", Bytes(name)));
        }

        // A key with a TTL makes its namespace register a durable reminder.
        await cluster.GrainsOf(first).GetGrain<INamespaceGrain>(names[0]).SetAsync(new SetCommand("ttl", Bytes("t"), Ttl: TimeSpan.FromHours(1)));

        foreach (var name in names)
        {
            Assert.Equal(name, Text(await cluster.GrainsOf(second).GetGrain<INamespaceGrain>(name).GetAsync("k")));
        }

        var masters = new HashSet<int>();
        foreach (var name in names)
        {
            masters.Add((await redis.MasterOfSlotAsync(RedisHashSlot.Of("{" + name + "}"))).Port);
        }

        Assert.Equal(3, masters.Count);
        var database = redis.Admin.GetDatabase();
        Assert.Equal(StackExchange.Redis.RedisType.Hash, await database.KeyTypeAsync($"{id}/members/{id}"));
        foreach (var name in names)
        {
            Assert.True(await database.KeyExistsAsync($"{id}/directory/ns/{name}"), $"no directory entry for {name}");
        }

        Assert.True(await TestSilo.EventuallyAsync(async () => await database.SortedSetLengthAsync($"{id}/reminders") > 0, TimeSpan.FromSeconds(10)), "no reminder row");
        Assert.Equal(2, cluster.Cluster.GetActiveSilos().Count());
    }

    [Fact]
    public async Task ReshardingSlotsUnderAWriteLoadLosesNoAcknowledgedWrite()
    {
        const int Slots = 2000;
        await using var cluster = await OrleansRedisCluster.StartOnAsync(redis.ConnectionString, 2);
        var id = cluster.Cluster.Options.ClusterId;

        // From the master with the most slots to another; redis-cli moves the source's lowest slots first.
        var ranges = await Task.WhenAll(redis.Nodes.Select(redis.SlotsOfAsync));
        var source = Enumerable.Range(0, 3).MaxBy(i => ranges[i].Sum(r => r.To - r.From + 1));
        var target = (source + 1) % 3;
        var moving = ranges[source].SelectMany(r => Enumerable.Range(r.From, r.To - r.From + 1)).Order().Take(Slots).ToHashSet();

        // Half the namespaces in slots that move, half elsewhere.
        var names = new List<string>();
        var staying = new List<string>();
        for (var i = 0; names.Count < 8 || staying.Count < 8; i++)
        {
            var name = $"reshard-{id}-{i}";
            var list = moving.Contains(RedisHashSlot.Of("{" + name + "}")) ? names : staying;
            if (list.Count < 8)
            {
                list.Add(name);
            }
        }

        var moved = names.ToArray();
        names.AddRange(staying);
        var calls = cluster.Cluster.Silos.Select(s => new NamespaceCalls(cluster.GrainsOf(s), TimeProvider.System, NullLogger<NamespaceCalls>.Instance)).ToArray();
        foreach (var name in names)
        {
            await calls[0].SetAsync(name, new SetCommand("seed", Bytes("0")), CancellationToken.None);
        }

        var acknowledged = new ConcurrentDictionary<string, int>();
        var attempted = new ConcurrentDictionary<string, int>();
        var errors = new ConcurrentBag<string>();
        var writes = 0L;
        using var stop = new CancellationTokenSource();

        async Task WriteAsync(int writer)
        {
            for (var n = 1; !stop.IsCancellationRequested; n++)
            {
                var name = names[(writer + n) % names.Count];
                var path = $"{name}/w{writer}";
                attempted[path] = n;
                try
                {
                    var result = await calls[writer % 2].SetAsync(name, new SetCommand($"w{writer}", Bytes(n.ToString(CultureInfo.InvariantCulture))), CancellationToken.None);
                    if (result.Status is KvStatus.Ok or KvStatus.Created)
                    {
                        acknowledged[path] = n;
                        Interlocked.Increment(ref writes);
                    }
                }
                catch (Exception ex)
                {
                    errors.Add(ex.GetType().Name + ": " + ex.Message);
                }
            }
        }

        var load = Enumerable.Range(0, 8).Select(w => Task.Run(() => WriteAsync(w))).ToArray();
        await Task.Delay(500);
        var before = Interlocked.Read(ref writes);
        var clock = Stopwatch.StartNew();
        await redis.ReshardAsync(redis.Nodes[source], redis.Nodes[target], Slots);
        var reshardTime = clock.Elapsed;
        var during = Interlocked.Read(ref writes) - before;
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        foreach (var name in moved)
        {
            Assert.Equal(redis.Nodes[target].Port, (await redis.MasterOfSlotAsync(RedisHashSlot.Of("{" + name + "}"))).Port);
        }

        var lost = new List<string>();
        foreach (var (path, n) in acknowledged)
        {
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            var entry = await calls[1].GetAsync(path[..slash], path[(slash + 1)..], CancellationToken.None);
            var read = entry is null ? -1 : int.Parse(Text(entry), CultureInfo.InvariantCulture);
            if (read < n || read > attempted[path])
            {
                lost.Add($"{path}: acknowledged {n}, read {read}");
            }
        }

        output.WriteLine($"moved {Slots} slots ({moved.Length} of {names.Count} namespaces) from master {source} to {target} in {reshardTime.TotalSeconds:F1} s; "
            + $"{Interlocked.Read(ref writes)} writes acknowledged ({during} during the reshard) over {acknowledged.Count} keys, {errors.Count} failed ({string.Join("; ", errors.Distinct().Take(3))})");
        Assert.Empty(lost);
        Assert.True(during > 0, "writes went on during the reshard");
    }
}
