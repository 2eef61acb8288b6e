using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Runtime;
using OrleansKv.Runtime.Activations;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Runtime;

public sealed class ActivationTests
{
    private static string NewKey() => "probe-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task ConcurrentFirstCallsShareOneActivation()
    {
        await using var silo = await TestSilo.StartAsync(configureSilo: s => s.AddProbeGrain());
        var key = NewKey();
        var grain = silo.Grains.GetGrain<IProbeGrain>(key);

        var ids = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await grain.WhoAmIAsync())));

        Assert.Single(ids.Distinct());
        Assert.Equal(1, ProbeLog.For(key).Activations);
    }

    [Fact]
    public async Task ExclusiveTurnsNeverOverlap()
    {
        await using var silo = await TestSilo.StartAsync(configureSilo: s => s.AddProbeGrain());
        var key = NewKey();
        var grain = silo.Grains.GetGrain<IProbeGrain>(key);

        await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => Task.Run(async () => await grain.ExclusiveAsync(3))));

        Assert.Equal(1, ProbeLog.For(key).MaxExclusive);
    }

    [Fact]
    public async Task ReadOnlyTurnsRunTogetherButNeverWithAnExclusiveOne()
    {
        await using var silo = await TestSilo.StartAsync(configureSilo: s => s.AddProbeGrain());
        var key = NewKey();
        var grain = silo.Grains.GetGrain<IProbeGrain>(key);

        var calls = Enumerable.Range(0, 12)
            .Select(i => Task.Run(async () => i % 3 == 0 ? await grain.ExclusiveAsync(20) : await grain.ReadOnlyAsync(60)))
            .ToArray();
        await Task.WhenAll(calls);

        var log = ProbeLog.For(key);
        Assert.True(log.MaxReaders >= 2, $"read-only turns should share the activation, max together was {log.MaxReaders}");
        Assert.Equal(0, log.Overlaps);
        Assert.Equal(1, log.MaxExclusive);
    }

    [Fact]
    public async Task IdleActivationIsCollectedAndTheNextCallActivatesAgain()
    {
        var time = new ManualTimeProvider();
        await using var silo = await TestSilo.StartAsync(time, configureSilo: s => s.AddProbeGrain());
        var key = NewKey();
        var grain = silo.Grains.GetGrain<IProbeGrain>(key);
        var first = await grain.WhoAmIAsync();
        var catalog = silo.Services.GetRequiredService<Catalog>();

        Assert.Equal(0, catalog.CollectIdle());
        time.Advance(TimeSpan.FromMinutes(11));

        // The silo's own collector (a 30 s timer on the same clock) may have got there first.
        catalog.CollectIdle();
        Assert.True(await TestSilo.EventuallyAsync(() => Task.FromResult(ProbeLog.For(key).Deactivations == 1)));
        Assert.Equal(DeactivationReason.Idle, ProbeLog.For(key).LastReason);

        var second = await grain.WhoAmIAsync();
        Assert.NotEqual(first, second);
        Assert.Equal(2, ProbeLog.For(key).Activations);
    }

    [Fact]
    public async Task CallsArrivingDuringDeactivationReachTheNextActivation()
    {
        await using var silo = await TestSilo.StartAsync(configureSilo: s => s.AddProbeGrain());
        var key = NewKey();
        var grain = silo.Grains.GetGrain<IProbeGrain>(key);
        await grain.WhoAmIAsync();

        await grain.RetireAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () => await grain.ExclusiveAsync(1))));

        Assert.All(results, r => Assert.Equal(1, r));
        Assert.True(await TestSilo.EventuallyAsync(() => Task.FromResult(ProbeLog.For(key).Deactivations >= 1)));
        Assert.Equal(2, ProbeLog.For(key).Activations);
    }

    [Fact]
    public async Task GrainTimerTicksAreTurnsThatStopWithTheActivation()
    {
        var time = new ManualTimeProvider();
        await using var silo = await TestSilo.StartAsync(time, configureSilo: s => s.AddProbeGrain());
        var key = NewKey();
        var grain = silo.Grains.GetGrain<IProbeGrain>(key);
        await grain.StartTimerAsync(1000);

        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            var expected = i + 1;
            Assert.True(await TestSilo.EventuallyAsync(() => Task.FromResult(ProbeLog.For(key).TimerTicks == expected)));
        }

        await grain.RetireAsync();
        Assert.True(await TestSilo.EventuallyAsync(() => Task.FromResult(ProbeLog.For(key).Deactivations == 1)));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(3, ProbeLog.For(key).TimerTicks);
    }

    [Fact]
    public async Task DurableReminderActivatesAGrainThatIsNotActive()
    {
        var time = new ManualTimeProvider();
        await using var silo = await TestSilo.StartAsync(time, configureSilo: s => s.AddProbeGrain());
        var key = NewKey();
        var grain = silo.Grains.GetGrain<IProbeGrain>(key);
        await grain.RemindAtAsync(time.GetUtcNow().AddSeconds(30).ToUnixTimeMilliseconds());
        await grain.RetireAsync();
        Assert.True(await TestSilo.EventuallyAsync(() => Task.FromResult(ProbeLog.For(key).Deactivations == 1)));

        var reminders = silo.Services.GetRequiredService<ReminderService>();
        await reminders.PollOnceAsync(CancellationToken.None);
        Assert.Equal(0, ProbeLog.For(key).Reminders);

        time.Advance(TimeSpan.FromSeconds(31));
        await reminders.PollOnceAsync(CancellationToken.None);
        Assert.True(await TestSilo.EventuallyAsync(() => Task.FromResult(ProbeLog.For(key).Reminders == 1)));
        Assert.Equal(2, ProbeLog.For(key).Activations);

        // A one-shot reminder is removed after delivery.
        var table = silo.Services.GetRequiredService<IReminderTable>();
        Assert.True(await TestSilo.EventuallyAsync(async () => await table.ReadAsync(new GrainId("probe", key), "probe", CancellationToken.None) is null));
    }
}
