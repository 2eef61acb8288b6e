using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Server.Namespaces;
using OrleansKv.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansKv.Tests.Cluster;

/// <summary>Orleans silos clustering through a real redis-server (membership, directory, reminders, namespace store).</summary>
public sealed class RedisClusterTests(ITestOutputHelper output)
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(StoredEntry? entry) => Encoding.UTF8.GetString(entry!.Value);

    [Fact]
    public async Task AWriteThroughOneSiloReadsBackThroughEveryOther()
    {
        await using var cluster = await OrleansRedisCluster.StartAsync(3);
        var silos = cluster.Cluster.Silos;
        var writer = cluster.GrainsOf(silos[0]);
        for (var i = 0; i < 20; i++)
        {
            await writer.GetGrain<INamespaceGrain>($"spread-{i % 5}").SetAsync(new SetCommand($"key-{i}", Bytes($"value-{i}")));
        }

        foreach (var silo in silos)
        {
            var reader = cluster.GrainsOf(silo);
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal($"value-{i}", Text(await reader.GetGrain<INamespaceGrain>($"spread-{i % 5}").GetAsync($"key-{i}")));
            }

            var listed = await reader.GetGrain<INamespaceGrain>("spread-0").ListAsync(new ListQuery("key-", null, 0)).Select(e => e.Key).ToListAsync();
            Assert.Equal(4, listed.Count);
        }
    }

    [Fact]
    public async Task NamespacesOfAKilledSiloServeAgainElsewhereAndKeepEveryAcknowledgedWrite()
    {
        await using var cluster = await OrleansRedisCluster.StartAsync(3);
        var silos = cluster.Cluster.Silos;
        var survivor = silos[0];
        var calls = new NamespaceCalls(cluster.GrainsOf(survivor), TimeProvider.System, NullLogger<NamespaceCalls>.Instance);
        var names = Enumerable.Range(0, 12).Select(i => $"kill-{i}").ToArray();
        foreach (var name in names)
        {
            await calls.SetAsync(name, new SetCommand("k", Bytes(name)), CancellationToken.None);
        }

        var victim = silos[2];
        await cluster.Cluster.KillSiloAsync(victim);
        var started = DateTime.UtcNow;
        foreach (var name in names)
        {
            Assert.Equal(name, Text(await calls.GetAsync(name, "k", CancellationToken.None)));
        }

        var recovered = DateTime.UtcNow - started;
        output.WriteLine($"every namespace answered again {recovered.TotalSeconds:F2} s after the kill");
        foreach (var name in names)
        {
            Assert.Equal(KvStatus.Ok, (await calls.SetAsync(name, new SetCommand("k", Bytes("after")), CancellationToken.None)).Status);
        }
    }

    [Fact]
    public async Task AStaleActivationOnAnotherSiloCannotOverwriteAndStopsAnsweringFromMemory()
    {
        await using var cluster = await OrleansRedisCluster.StartAsync(2);
        var name = "dup-" + Guid.NewGuid().ToString("N")[..8];
        var grains = cluster.GrainsOf(cluster.Cluster.Silos[0]);
        var ns = grains.GetGrain<INamespaceGrain>(name);
        var first = await ns.SetAsync(new SetCommand("k", Bytes("first")));
        Assert.Equal("first", Text(await ns.GetAsync("k")));

        // A second activation elsewhere, as a split membership view can make: it claims the namespace and writes.
        var store = cluster.ServicesOf(cluster.Cluster.Silos[1]).GetRequiredService<INamespaceStore>();
        var claim = await store.ClaimAsync(name, CancellationToken.None);
        var newer = new StoredEntry("k", Bytes("newer"), null, ContentHash.Compute(Bytes("newer")), claim.Revision + 1, 0, 0, null);
        Assert.Equal(CommitStatus.Committed, (await store.CommitAsync(name, new CommitBatch(claim.Epoch, claim.Revision, claim.Revision + 1, [EntryMutation.Put(newer)]), CancellationToken.None)).Status);

        // Once its lease has run out the old activation checks before answering, finds itself superseded and retires.
        await Task.Delay(TimeSpan.FromMilliseconds(new Server.Configuration.ClusteringOptions().OwnershipLeaseMs + 200));
        await Assert.ThrowsAsync<NamespaceMovedException>(async () => await ns.GetAsync("k"));

        // Its writes were fenced anyway; the next activation serves the newer state.
        var calls = new NamespaceCalls(grains, TimeProvider.System, NullLogger<NamespaceCalls>.Instance);
        Assert.Equal("newer", Text(await calls.GetAsync(name, "k", CancellationToken.None)));
        Assert.Equal(KvStatus.PreconditionFailed, (await calls.SetAsync(name, new SetCommand("k", Bytes("stale"), IfMatch: first.Version), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task ServiceResumesByItselfAfterRedisRestarts()
    {
        await using var cluster = await OrleansRedisCluster.StartAsync(2, persistentRedis: true);
        var calls = new NamespaceCalls(cluster.Client, TimeProvider.System, NullLogger<NamespaceCalls>.Instance);
        var acknowledged = new List<(string Ns, string Key)>();
        for (var i = 0; i < 30; i++)
        {
            var ns = $"rr-{i % 5}";
            await calls.SetAsync(ns, new SetCommand($"before-{i}", Bytes("v")), CancellationToken.None);
            acknowledged.Add((ns, $"before-{i}"));
        }

        await cluster.Redis.RestartAsync(TimeSpan.FromSeconds(1));

        // Writes work again without intervention, from every silo.
        foreach (var silo in cluster.Cluster.Silos)
        {
            var ns = cluster.GrainsOf(silo).GetGrain<INamespaceGrain>("rr-after");
            Assert.True(await TestSilo.EventuallyAsync(async () =>
            {
                try
                {
                    return (await ns.SetAsync(new SetCommand($"after-{silo.SiloAddress.Endpoint.Port}", Bytes("v")))).Status is KvStatus.Created or KvStatus.Ok;
                }
                catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30)), $"{silo.SiloAddress} could not write after the Redis restart");
        }

        foreach (var (ns, key) in acknowledged)
        {
            Assert.NotNull(await calls.GetAsync(ns, key, CancellationToken.None));
        }

        Assert.Equal(2, cluster.Cluster.GetActiveSilos().Count());
    }

    [Fact]
    public async Task ScalingOutSpreadsNamespacesAndScalingInLosesNothing()
    {
        await using var cluster = await OrleansRedisCluster.StartAsync(1);
        var calls = new NamespaceCalls(cluster.GrainsOf(cluster.Cluster.Silos[0]), TimeProvider.System, NullLogger<NamespaceCalls>.Instance);
        var namespaces = Enumerable.Range(0, 24).Select(i => $"scale-{i}").ToArray();
        var errors = new List<Exception>();
        var written = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();

        async Task LoadAsync(int worker)
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var ns = namespaces[(worker + n) % namespaces.Length];
                try
                {
                    await calls.SetAsync(ns, new SetCommand($"w{worker}", Bytes(n.ToString(System.Globalization.CultureInfo.InvariantCulture))), CancellationToken.None);
                    written[$"{ns}/w{worker}"] = n;
                }
                catch (Exception ex)
                {
                    lock (errors)
                    {
                        errors.Add(ex);
                    }
                }
            }
        }

        var load = Enumerable.Range(0, 8).Select(w => Task.Run(() => LoadAsync(w))).ToArray();
        await Task.Delay(500); // a load window on one silo before the scale-out starts
        var added = await cluster.Cluster.StartAdditionalSilosAsync(2);
        await cluster.Cluster.WaitForLivenessToStabilizeAsync();
        await Task.Delay(1000); // a load window on three silos
        var spread = await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics([typeof(NamespaceGrain).FullName!]);
        output.WriteLine("namespace activations per silo after scale-out: " + string.Join(", ", spread.GroupBy(s => s.SiloAddress).Select(g => $"{g.Key}={g.Count()}")));

        // Scale back in gracefully while the load goes on.
        foreach (var silo in added)
        {
            await cluster.Cluster.StopSiloAsync(silo);
        }

        await Task.Delay(500); // and a load window after the scale-in
        await stop.CancelAsync();
        await Task.WhenAll(load);

        output.WriteLine($"{written.Count} keys written; errors: {errors.Count} ({string.Join("; ", errors.Take(3).Select(e => e.GetType().Name + ": " + e.Message))})");
        Assert.All(errors, e => Assert.True(e is not NamespaceMovedException, "a write known not to have applied is retried, not failed"));
        foreach (var (path, n) in written)
        {
            var (ns, key) = (path[..path.IndexOf('/', StringComparison.Ordinal)], path[(path.IndexOf('/', StringComparison.Ordinal) + 1)..]);
            var entry = await calls.GetAsync(ns, key, CancellationToken.None);
            Assert.True(int.Parse(Encoding.UTF8.GetString(entry!.Value), System.Globalization.CultureInfo.InvariantCulture) >= n);
        }
    }
}
