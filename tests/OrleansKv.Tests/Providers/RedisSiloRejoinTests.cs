using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Runtime;
using OrleansKv.Runtime.Redis;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.Runtime;
using RedisServerProcess = OrleansKv.TestingHost.RedisServerProcess;

namespace OrleansKv.Tests.Providers;

/// <summary>
/// A real silo on the Redis providers. The regression test for dotnet/orleans#7784: after a Redis restart without
/// persistence lost the membership table, the silo must not spin on failing heartbeats but write its row again
/// and keep serving calls; grains activated afterwards are registered in the (new) directory.
/// </summary>
public sealed class RedisSiloRejoinTests
{
    [Fact]
    public async Task ASiloRejoinsTheTableAndKeepsServingAfterARedisRestartWithoutPersistence()
    {
        await using var server = await RedisServer.StartAsync(persistent: false);
        var clusterId = RedisProviders.NewClusterId();
        await using var silo = await TestSilo.StartAsync(
            configureSilo: s => s.AddProbeGrain().UseRedisClustering(o =>
            {
                o.ConfigurationString = server.ConnectionString;
                o.OperationTimeout = TimeSpan.FromSeconds(2);
            }),
            configureServices: services =>
            {
                services.Configure<SiloOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.SiloPort = RedisServerProcess.FreePort();
                });
                services.Configure<MembershipOptions>(o =>
                {
                    o.TableRefreshPeriod = TimeSpan.FromMilliseconds(200);
                    o.IAmAlivePeriod = TimeSpan.FromMilliseconds(200);
                });
            });
        await using var observer = RedisProviders.Create(server.ConnectionString, clusterId: clusterId);
        var local = silo.Services.GetRequiredService<IClusterMembership>().LocalSilo;
        var grain = silo.Grains.GetGrain<IProbeGrain>("rejoin");
        var before = await grain.WhoAmIAsync();
        Assert.Equal(SiloStatus.Active, (await observer.Membership.ReadAllAsync(default)).Find(local)?.Status);
        Assert.NotNull(await observer.Directory.LookupAsync(new GrainId("probe", "rejoin"), default));

        await server.RestartAsync();

        Assert.True(await TestSilo.EventuallyAsync(async () => await TryReadStatusAsync(observer, local) == SiloStatus.Active, TimeSpan.FromSeconds(20)),
            "the silo should write its row again after the table was lost");
        var firstBeat = (await observer.Membership.ReadAllAsync(default)).Find(local)!.IAmAliveTime;
        Assert.True(await TestSilo.EventuallyAsync(async () => (await observer.Membership.ReadAllAsync(default)).Find(local)!.IAmAliveTime > firstBeat),
            "heartbeats should flow again");
        Assert.Equal(before, await grain.WhoAmIAsync());
        await silo.Grains.GetGrain<IProbeGrain>("after-restart").WhoAmIAsync();
        Assert.Equal(local, (await observer.Directory.LookupAsync(new GrainId("probe", "after-restart"), default))?.Silo);
        Assert.Equal(SiloStatus.Active, silo.Services.GetRequiredService<IClusterMembership>().LocalStatus);
    }

    private static async Task<SiloStatus?> TryReadStatusAsync(RedisProviders observer, SiloAddress silo)
    {
        try
        {
            return (await observer.Membership.ReadAllAsync(default)).Find(silo)?.Status;
        }
        catch (RedisProviderException)
        {
            return null;
        }
    }
}
