using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Redis;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.Storage.Redis;

namespace OrleansKv.Tests.Grains;

/// <summary>A namespace grain on the Redis store when Redis expires an entry natively before the grain sweeps it.</summary>
public sealed class NamespaceNativeExpiryTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task SweepingAnEntryRedisAlreadyDroppedKeepsTheGrainsByteCountInStepWithTheStore()
    {
        // The grain's clock stands still, so only Redis (on its own clock, no grace) gets rid of the entry.
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = await TestSilo.StartAsync(time, configureNamespaces: o => o.MaxSweepInterval = TimeSpan.FromMilliseconds(100), configureServices: services =>
        {
            services.RemoveAll<INamespaceStore>();
            services.AddRedisNamespaceStore(o =>
            {
                o.ConfigurationString = redis.Server.ConnectionString;
                o.TtlBackstopGrace = TimeSpan.Zero;
            });
        });
        var name = "native-" + Guid.NewGuid().ToString("N")[..12];
        var ns = silo.Namespace(name);
        await ns.SetAsync(new SetCommand("gone", Encoding.UTF8.GetBytes("value-of-gone"), Ttl: TimeSpan.FromSeconds(1)));
        await ns.SetAsync(new SetCommand("live", Encoding.UTF8.GetBytes("v")));
        var store = silo.Services.GetRequiredService<RedisNamespaceStore>();
        var entryKey = store.KeysOf(name).Entry(Encoding.UTF8.GetBytes("gone"));
        Assert.True(await TestSilo.EventuallyAsync(async () => !await redis.Admin.GetDatabase().KeyExistsAsync(entryKey), TimeSpan.FromSeconds(15)), "Redis should expire the entry natively");

        time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(await TestSilo.EventuallyAsync(async () => (await ns.GetStatsAsync()).Keys == 1), "the sweep should remove the key");
        var stats = await ns.GetStatsAsync();
        var stored = (long)await redis.Admin.GetDatabase().HashGetAsync(store.KeysOf(name).Meta, "bytes");
        Assert.Equal(stored, stats.Bytes);
        // The store's documented limit: the vanished value's bytes stay counted; the key's bytes do not.
        Assert.Equal("livev".Length + "value-of-gone".Length, stats.Bytes);
    }
}
