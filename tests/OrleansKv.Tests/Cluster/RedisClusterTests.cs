using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Grains;
using OrleansKv.Runtime;
using OrleansKv.Runtime.Activations;
using OrleansKv.TestingHost;
using Xunit.Abstractions;

namespace OrleansKv.Tests.Cluster;

/// <summary>Silos clustering through a real redis-server (membership, directory, storage, reminders).</summary>
public sealed class RedisClusterTests(ITestOutputHelper output)
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task AWriteThroughOneSiloReadsBackThroughEveryOther()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var silos = cluster.Silos;
        using var writer = cluster.CreateHttpClient(silos[0]);
        for (var i = 0; i < 20; i++)
        {
            (await writer.PostAsync($"/key-{i}", JsonContent.Create(new { value = $"value-{i}" }))).EnsureSuccessStatusCode();
        }

        foreach (var silo in silos)
        {
            using var reader = cluster.CreateHttpClient(silo);
            for (var i = 0; i < 20; i++)
            {
                var body = await reader.GetFromJsonAsync<JsonElement>($"/key-{i}");
                Assert.Equal($"value-{i}", body.GetProperty("value").GetString());
            }

            var keys = await reader.GetFromJsonAsync<JsonElement>("/v1/keys?prefix=key-&limit=1000");
            Assert.Equal(20, keys.GetProperty("keys").GetArrayLength());
        }

        using var batcher = cluster.CreateHttpClient(silos[2]);
        var batch = await batcher.PostAsync("/v1/batch", new StringContent("""[{"op":"put","key":"b1","value":"x"},{"op":"get","key":"key-3"},{"op":"delete","key":"key-4"}]"""));
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await writer.GetAsync("/key-4")).StatusCode);
        Assert.True(silos.Sum(s => s.Info.ForwardedCalls) > 0, "some calls were forwarded to the owning silo");
    }

    [Fact]
    public async Task StaleDuplicateActivationCannotOverwriteAndTheCallMovesToTheOwner()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var (a, b) = (cluster.Silos[0], cluster.Silos[1]);
        var name = "dup-" + Guid.NewGuid().ToString("N")[..8];
        var id = new GrainId(NamespaceGrainSiloExtensions.GrainTypeName, name);

        // Activate the namespace on silo A (the call from A activates it wherever placement says; force A by
        // activating locally through A's catalog).
        var catalogA = a.Services.GetRequiredService<Catalog>();
        var directory = a.Services.GetRequiredService<IGrainDirectory>();
        var staleActivation = await catalogA.GetOrActivateAsync(id, CancellationToken.None);
        await a.Grains.GetGrain<INamespaceGrain>(name).SetAsync(new SetCommand("k", Bytes("first")));

        // Split brain: the directory forgets A, and B activates the same namespace (claiming a newer epoch).
        await directory.UnregisterAsync((await directory.LookupAsync(id, CancellationToken.None))!, CancellationToken.None);
        var catalogB = b.Services.GetRequiredService<Catalog>();
        await catalogB.GetOrActivateAsync(id, CancellationToken.None);
        Assert.Equal(b.Address, (await directory.LookupAsync(id, CancellationToken.None))!.Silo);
        await b.Grains.GetGrain<INamespaceGrain>(name).SetAsync(new SetCommand("k", Bytes("from-b")));

        // A still holds its stale activation and still routes locally to it: the write is fenced, the stale
        // activation retires, and the runtime retries the call at B.
        Assert.True(catalogA.TryGetValid(id, out var stillThere) && ReferenceEquals(stillThere, staleActivation));
        var result = await a.Grains.GetGrain<INamespaceGrain>(name).SetAsync(new SetCommand("k2", Bytes("via-a")));

        Assert.Equal(KvStatus.Created, result.Status);
        Assert.Equal("from-b", Encoding.UTF8.GetString((await b.Grains.GetGrain<INamespaceGrain>(name).GetAsync("k"))!.Value));
        Assert.Equal("via-a", Encoding.UTF8.GetString((await b.Grains.GetGrain<INamespaceGrain>(name).GetAsync("k2"))!.Value));
        Assert.True(await EventuallyAsync(() => !catalogA.TryGetValid(id, out _)), "the stale activation retired");
        Assert.True(catalogB.TryGetValid(id, out _));
    }

    [Fact]
    public async Task ServiceResumesByItselfAfterRedisRestarts()
    {
        await using var cluster = await TestCluster.StartAsync(3, o => o.PersistentRedis = true);
        var client = cluster.Client;
        var acknowledged = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var ns = $"rr-{i % 5}";
            await client.GetGrain<INamespaceGrain>(ns).SetAsync(new SetCommand($"before-{i}", Bytes("v")));
            acknowledged.Add($"{ns}/before-{i}");
        }

        await cluster.Redis!.RestartAsync(TimeSpan.FromSeconds(1));

        // Writes work again without intervention, through every silo.
        foreach (var silo in cluster.Silos)
        {
            var ns = silo.Grains.GetGrain<INamespaceGrain>("rr-after");
            Assert.True(await EventuallyAsync(async () =>
            {
                try
                {
                    return (await ns.SetAsync(new SetCommand($"after-{silo.Index}", Bytes("v")))).Status is KvStatus.Created or KvStatus.Ok;
                }
                catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30)), $"{silo} could not write after the Redis restart");
        }

        foreach (var path in acknowledged)
        {
            var (ns, key) = (path[..path.IndexOf('/', StringComparison.Ordinal)], path[(path.IndexOf('/', StringComparison.Ordinal) + 1)..]);
            Assert.NotNull(await client.GetGrain<INamespaceGrain>(ns).GetAsync(key));
        }

        await cluster.WaitForActiveSilosAsync(3);
        Assert.All(cluster.Silos, s => Assert.Equal(SiloStatus.Active, s.Info.Status));
    }

    [Fact]
    public async Task FullCpuLoadDeclaresNoSiloDead()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var table = cluster.Silos[0].Services.GetRequiredService<IMembershipTable>();
        using var kv = cluster.CreateKvClient(cluster.Silos[1]);
        var stopBurning = 0;

        // Saturate every core (twice over) for longer than three probe timeouts, while traffic flows.
        var burners = Enumerable.Range(0, Environment.ProcessorCount * 2).Select(_ => new Thread(() =>
        {
            var x = 0UL;
            while (Volatile.Read(ref stopBurning) == 0)
            {
                x = (x * 6364136223846793005UL) + 1442695040888963407UL;
            }

            GC.KeepAlive(x);
        }) { IsBackground = true }).ToList();
        burners.ForEach(t => t.Start());
        var until = DateTime.UtcNow.AddSeconds(8);
        var served = 0;
        try
        {
            while (DateTime.UtcNow < until)
            {
                await kv.SetAsync($"cpu-{served % 50}", "v");
                served++;
            }
        }
        finally
        {
            Volatile.Write(ref stopBurning, 1);
            burners.ForEach(t => t.Join());
        }

        // Nothing to await here: the claim is that no suspicion lands, so give late votes two probe periods to show up.
        await Task.Delay(2000);
        var rows = (await table.ReadAllAsync(CancellationToken.None)).Entries;
        output.WriteLine($"{served} writes served under full CPU load; statuses: {string.Join(", ", rows.Select(r => r.Status))}");
        Assert.All(rows, r => Assert.Equal(SiloStatus.Active, r.Status));
        Assert.All(cluster.Silos, s => Assert.Equal(3, s.Info.ClusterSize));
        Assert.True(served > 0);
    }

    [Fact]
    public async Task AfterRedisLosesEverythingLiveActivationsRegisterInTheDirectoryAgain()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var name = "lost-" + Guid.NewGuid().ToString("N")[..8];
        var id = new GrainId(NamespaceGrainSiloExtensions.GrainTypeName, name);
        await cluster.Client.GetGrain<INamespaceGrain>(name).SetAsync(new SetCommand("k", Bytes("v")));
        var directory = cluster.Silos[0].Services.GetRequiredService<IGrainDirectory>();
        var owner = (await directory.LookupAsync(id, CancellationToken.None))!;

        await cluster.Redis!.RestartAsync();

        // The restarted Redis is empty; each silo notices its membership row is gone, writes it again and
        // re-registers its activations, so no second activation can start elsewhere.
        Assert.True(await EventuallyAsync(async () =>
        {
            try
            {
                return await directory.LookupAsync(id, CancellationToken.None) == owner;
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20)), "the activation registered again");
        await cluster.WaitForActiveSilosAsync(2);
    }

    [Fact]
    public async Task ScalingOutSpreadsNamespacesAndScalingInLosesNothing()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var client = cluster.Silos[0].Grains;
        var namespaces = Enumerable.Range(0, 24).Select(i => $"scale-{i}").ToArray();
        var errors = new List<Exception>();
        var written = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();

        async Task LoadAsync(int worker)
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var ns = namespaces[(worker + n) % namespaces.Length];
                try
                {
                    await client.GetGrain<INamespaceGrain>(ns).SetAsync(new SetCommand($"w{worker}", Bytes(n.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                    written[$"{ns}/w{worker}"] = n;
                }
                catch (Exception ex)
                {
                    lock (errors)
                    {
                        errors.Add(ex);
                    }
                }

                n++;
            }
        }

        var load = Enumerable.Range(0, 8).Select(w => Task.Run(() => LoadAsync(w))).ToArray();
        await Task.Delay(500); // the load runs on one silo before the scale-out starts
        await cluster.StartSiloAsync();
        await cluster.StartSiloAsync();
        await cluster.WaitForActiveSilosAsync(3);
        Assert.True(await EventuallyAsync(() => cluster.Silos.All(s => s.Info.Activations > 0), TimeSpan.FromSeconds(20)), "namespaces spread over the new silos");
        output.WriteLine("activations after scale-out: " + string.Join(", ", cluster.Silos.Select(s => s.Info.Activations)));

        // Scale back in gracefully (SIGTERM) while the load goes on.
        await cluster.StopSiloAsync(cluster.Silos[2]);
        await cluster.StopSiloAsync(cluster.Silos[1]);
        await Task.Delay(500); // and goes on after the scale-in
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Empty(errors);
        foreach (var (path, n) in written)
        {
            var (ns, key) = (path[..path.IndexOf('/', StringComparison.Ordinal)], path[(path.IndexOf('/', StringComparison.Ordinal) + 1)..]);
            var entry = await client.GetGrain<INamespaceGrain>(ns).GetAsync(key);
            Assert.True(int.Parse(Encoding.UTF8.GetString(entry!.Value), System.Globalization.CultureInfo.InvariantCulture) >= n);
        }
    }

    private static Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan? timeout = null) =>
        EventuallyAsync(() => Task.FromResult(condition()), timeout);

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return await condition();
    }
}
