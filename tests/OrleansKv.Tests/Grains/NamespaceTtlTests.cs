using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Grains;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.Grains;

public sealed class NamespaceTtlTests
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string NewNs() => "ttl-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task ExpiredKeyIsNeverReturnedEvenBeforeItIsSwept()
    {
        var time = new ManualTimeProvider();
        await using var silo = await TestSilo.StartAsync(time, configureNamespaces: o => o.MaxSweepInterval = TimeSpan.FromDays(1));
        var ns = silo.Namespace(NewNs());
        await ns.SetAsync(new SetCommand("short", Bytes("v"), Ttl: TimeSpan.FromSeconds(10)));
        await ns.SetAsync(new SetCommand("long", Bytes("v"), Ttl: TimeSpan.FromHours(1)));
        var entry = await ns.GetAsync("short");
        Assert.Equal(time.GetUtcNow().AddSeconds(10).ToUnixTimeMilliseconds(), entry!.ExpiresAt);

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Null(await ns.GetAsync("short"));
        Assert.NotNull(await ns.GetAsync("long"));
        Assert.Equal(["long"], await ns.ListAsync(new ListQuery(string.Empty, null, 0)).Select(i => i.Key).ToListAsync());
        var batch = await ns.BatchAsync([new BatchOperation(BatchOpKind.Get, "short")]);
        Assert.Equal(KvStatus.NotFound, batch.Results[0].Status);

        // Writing over an expired key creates it anew.
        Assert.Equal(KvStatus.Created, (await ns.SetAsync(new SetCommand("short", Bytes("again")))).Status);
    }

    [Fact]
    public async Task ActiveNamespaceSweepsExpiredKeysWithItsTimer()
    {
        var time = new ManualTimeProvider();
        await using var silo = await TestSilo.StartAsync(time, configureNamespaces: o => o.MaxSweepInterval = TimeSpan.FromMilliseconds(100));
        var name = NewNs();
        var ns = silo.Namespace(name);
        await ns.BatchAsync([.. Enumerable.Range(0, 50).Select(i => new BatchOperation(BatchOpKind.Put, $"k{i}", Bytes("v"), Ttl: TimeSpan.FromSeconds(30)))]);
        await ns.SetAsync(new SetCommand("keep", Bytes("v")));
        Assert.Equal(51, (await ns.GetStatsAsync()).Keys);

        time.Advance(TimeSpan.FromSeconds(31));

        Assert.True(await TestSilo.EventuallyAsync(async () => (await ns.GetStatsAsync()).Keys == 1));
        Assert.Null(await silo.Store.ReadAsync(name, "k7", CancellationToken.None));
        Assert.NotNull(await silo.Store.ReadAsync(name, "keep", CancellationToken.None));
    }

    [Fact]
    public async Task InactiveNamespaceIsSweptByItsDurableReminder()
    {
        var time = new ManualTimeProvider();
        await using var silo = await TestSilo.StartAsync(time);
        var name = NewNs();
        var ns = silo.Namespace(name);
        await ns.SetAsync(new SetCommand("k", Bytes("v"), Ttl: TimeSpan.FromMinutes(20)));

        // Idle for 11 minutes: the activation is collected while the key is still live.
        time.Advance(TimeSpan.FromMinutes(11));
        await silo.CollectIdleAsync();
        Assert.True(await TestSilo.EventuallyAsync(async () => !await silo.IsActiveAsync(name)));
        Assert.NotNull(await silo.Store.ReadAsync(name, "k", CancellationToken.None));
        var reminder = await silo.Services.GetRequiredService<IReminderTable>().ReadRow(TestSilo.NamespaceId(name), NamespaceGrain.TtlReminderName);
        Assert.NotNull(reminder);

        // Nobody calls the namespace; at the expiry its periodic reminder activates it and it sweeps.
        time.Advance(TimeSpan.FromMinutes(10));

        Assert.True(await TestSilo.EventuallyAsync(async () => await silo.Store.ReadAsync(name, "k", CancellationToken.None) is null));
    }

    [Fact]
    public async Task ExpiredKeyIsNotReturnedAfterRestartAndIsSweptWithoutAnyCall()
    {
        using var data = new TempDirectory();
        var name = NewNs();
        var start = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var silo = await TestSilo.StartAsync(new ManualTimeProvider(start), data.Path))
        {
            await silo.Namespace(name).SetAsync(new SetCommand("k", Bytes("v"), Ttl: TimeSpan.FromSeconds(5)));
            await silo.Namespace(name).SetAsync(new SetCommand("stays", Bytes("v")));
        }

        var later = new ManualTimeProvider(start.AddMinutes(1));
        await using (var silo = await TestSilo.StartAsync(later, data.Path))
        {
            Assert.True(await TestSilo.EventuallyAsync(async () => await silo.Store.ReadAsync(name, "k", CancellationToken.None) is null));
            Assert.Null(await silo.Namespace(name).GetAsync("k"));
            Assert.NotNull(await silo.Namespace(name).GetAsync("stays"));
        }
    }
}
