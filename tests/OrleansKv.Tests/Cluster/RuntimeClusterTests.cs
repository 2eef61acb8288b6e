using System.Diagnostics;
using OrleansKv.Runtime;
using OrleansKv.Tests.Runtime;
using Xunit.Abstractions;

namespace OrleansKv.Tests.Cluster;

/// <summary>
/// The runtime's own cluster protocols over real HTTP/2 between silos (membership probing, forwarding,
/// directory, failover), with the membership table and directory shared in memory. The same scenarios run
/// on Redis in <c>RedisClusterTests</c>.
/// </summary>
public sealed class RuntimeClusterTests(ITestOutputHelper output)
{
    private static string NewKey() => "rc-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task CallsFromAnySiloReachTheSingleActivation()
    {
        var (table, directory) = (new InMemoryMembershipTable(), new InMemoryGrainDirectory());
        await using var a = await RuntimeSilo.StartAsync(table, directory);
        await using var b = await RuntimeSilo.StartAsync(table, directory);
        await using var c = await RuntimeSilo.StartAsync(table, directory);
        RuntimeSilo[] silos = [a, b, c];
        await WaitForActiveAsync(silos, 3);

        var keys = Enumerable.Range(0, 30).Select(_ => NewKey()).ToList();
        foreach (var key in keys)
        {
            var ids = new List<long>();
            foreach (var silo in silos)
            {
                ids.Add(await silo.Grains.GetGrain<IProbeGrain>(key).WhoAmIAsync());
            }

            Assert.Single(ids.Distinct());
            Assert.Equal(1, ProbeLog.For(key).Activations);
        }

        Assert.All(silos, s => Assert.True(s.Info.ForwardedCalls > 0, "every silo forwarded some calls"));
        Assert.All(silos, s => Assert.True(s.Info.Activations > 0, "placement spread the grains over every silo"));
    }

    [Fact]
    public async Task ACrashedSiloIsDeclaredDeadAndItsGrainsServeElsewhereWithinSeconds()
    {
        var (table, directory) = (new InMemoryMembershipTable(), new InMemoryGrainDirectory());
        await using var a = await RuntimeSilo.StartAsync(table, directory);
        await using var b = await RuntimeSilo.StartAsync(table, directory);
        await using var c = await RuntimeSilo.StartAsync(table, directory);
        await WaitForActiveAsync([a, b, c], 3);
        var keys = Enumerable.Range(0, 30).Select(_ => NewKey()).ToList();
        foreach (var key in keys)
        {
            await a.Grains.GetGrain<IProbeGrain>(key).WhoAmIAsync();
        }

        var victim = c.Info.Silo;
        var onVictim = c.Info.Activations;
        Assert.True(onVictim > 0);
        var clock = Stopwatch.StartNew();
        await c.CrashAsync();

        // Every call succeeds: the runtime retries while the silo is being declared dead. The one exception is a call
        // written onto a pooled connection the dying silo resets: it cannot know whether it was delivered, so the
        // runtime reports Unavailable rather than running it twice, and the caller retries it as a client would.
        await Task.WhenAll(keys.Select(k => CallRetryingUnknownOutcomeAsync(() => a.Grains.GetGrain<IProbeGrain>(k).ExclusiveAsync(0).AsTask())));
        var recovered = clock.Elapsed;
        await WaitForActiveAsync([a, b], 2);
        var declared = clock.Elapsed;

        output.WriteLine($"{onVictim} grains lived on the crashed silo; calls served again after {recovered.TotalSeconds:F1} s; death declared by {declared.TotalSeconds:F1} s");
        Assert.Equal(SiloStatus.Dead, (await table.ReadAllAsync(CancellationToken.None)).Find(victim)!.Status);
        Assert.Equal(onVictim, keys.Count(k => ProbeLog.For(k).Activations == 2));
        Assert.True(recovered < TimeSpan.FromSeconds(15), $"recovery took {recovered}");
    }

    private static async Task CallRetryingUnknownOutcomeAsync(Func<Task> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call();
                return;
            }
            catch (OrleansKv.Grpc.RpcException ex) when (ex.StatusCode == OrleansKv.Grpc.StatusCode.Unavailable && attempt < 3)
            {
            }
        }
    }

    private static async Task WaitForActiveAsync(IReadOnlyList<RuntimeSilo> silos, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!silos.All(s => s.Info.Status == SiloStatus.Active && s.Info.ClusterSize == count))
        {
            Assert.True(DateTime.UtcNow < deadline, "membership did not settle: " + string.Join(", ", silos.Select(s => $"{s.Info.Silo} {s.Info.Status} sees {s.Info.ClusterSize}")));
            await Task.Delay(50);
        }
    }
}
