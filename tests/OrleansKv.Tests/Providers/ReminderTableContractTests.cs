using OrleansKv.Runtime;
using static OrleansKv.Tests.Providers.ProviderTestData;

namespace OrleansKv.Tests.Providers;

/// <summary>
/// What every <see cref="IReminderTable"/> must do: ETag-conditional writes and removes, reads of due reminders
/// earliest first with a limit, periodic and one-shot reminders. A backend's test class derives from this and
/// creates a fresh, empty table per test.
/// </summary>
public abstract class ReminderTableContractTests : IAsyncLifetime
{
    private IReminderTable? _table;

    protected IReminderTable Table => _table ?? throw new InvalidOperationException("The table is created in InitializeAsync.");

    /// <summary>Creates an empty table of the backend under test.</summary>
    protected abstract Task<IReminderTable> CreateTableAsync();

    public virtual async Task InitializeAsync()
    {
        _table = await CreateTableAsync();
        await _table.InitializeAsync(CancellationToken.None);
    }

    public virtual Task DisposeAsync()
    {
        (_table as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    protected static GrainId Grain(string key = "tenant") => new("ns", key);

    protected static ReminderEntry Reminder(string name, int dueSeconds, TimeSpan? period = null, string grain = "tenant") =>
        new(Grain(grain), name, R0.AddSeconds(dueSeconds), period, string.Empty);

    [Fact]
    public async Task InitializeIsIdempotentAndAnUnknownReminderReadsAsNull()
    {
        await Table.InitializeAsync(CancellationToken.None);

        Assert.Null(await Read(Grain(), "nothing"));
        Assert.Empty(await Due(R0.AddYears(100), 10));
    }

    [Fact]
    public async Task PeriodicAndOneShotRemindersRoundTripWithTheirETags()
    {
        var periodic = Reminder("ttl", 10, TimeSpan.FromMinutes(5));
        var once = Reminder("once", 20) with { DueTime = R0.AddSeconds(20).AddMilliseconds(123) };

        var periodicTag = await Upsert(periodic);
        var onceTag = await Upsert(once);

        Assert.False(string.IsNullOrEmpty(periodicTag));
        Assert.False(string.IsNullOrEmpty(onceTag));
        Assert.Equal(periodic with { ETag = periodicTag! }, await Read(periodic.GrainId, "ttl"));
        Assert.Equal(once with { ETag = onceTag! }, await Read(once.GrainId, "once"));
        Assert.Null((await Read(once.GrainId, "once"))!.Period);
    }

    [Fact]
    public async Task UpsertWithTheCurrentETagUpdatesAndIssuesANewETag()
    {
        var tag = await Upsert(Reminder("r", 10));

        var newTag = await Upsert(Reminder("r", 60, TimeSpan.FromSeconds(30)), tag);

        Assert.NotNull(newTag);
        Assert.NotEqual(tag, newTag);
        Assert.Equal(Reminder("r", 60, TimeSpan.FromSeconds(30)) with { ETag = newTag }, await Read(Grain(), "r"));
    }

    [Fact]
    public async Task AnETagFromBeforeARemoveNeverMatchesTheReRegisteredReminder()
    {
        var old = await Upsert(Reminder("again", 10));
        Assert.True(await Table.RemoveAsync(Grain(), "again", old, CancellationToken.None));
        var renewed = await Upsert(Reminder("again", 20));

        Assert.NotEqual(old, renewed);
        Assert.Null(await Upsert(Reminder("again", 99), old));
        Assert.False(await Table.RemoveAsync(Grain(), "again", old, CancellationToken.None));
        Assert.Equal(renewed, (await Read(Grain(), "again"))!.ETag);
    }

    [Fact]
    public async Task UpsertWithAStaleETagFailsAndChangesNothing()
    {
        var first = await Upsert(Reminder("r", 10));
        var second = await Upsert(Reminder("r", 20), first);

        Assert.Null(await Upsert(Reminder("r", 99), first));
        Assert.Null(await Upsert(Reminder("r", 99), "not-an-etag"));
        Assert.Null(await Upsert(Reminder("r", 99), string.Empty));

        Assert.Equal(Reminder("r", 20) with { ETag = second! }, await Read(Grain(), "r"));
    }

    [Fact]
    public async Task UpsertWithAnETagOfAMissingReminderFailsAndCreatesNothing()
    {
        Assert.Null(await Upsert(Reminder("r", 10), "1"));

        Assert.Null(await Read(Grain(), "r"));
        Assert.Empty(await Due(R0.AddYears(1), 10));
    }

    [Fact]
    public async Task UnconditionalUpsertOverwritesAndIssuesANewETag()
    {
        var first = await Upsert(Reminder("r", 10, TimeSpan.FromSeconds(1)));

        var second = await Upsert(Reminder("r", 5));

        Assert.NotEqual(first, second);
        Assert.Equal(Reminder("r", 5) with { ETag = second! }, await Read(Grain(), "r"));
    }

    [Fact]
    public async Task RemoveHonoursTheETagWhenGiven()
    {
        var first = await Upsert(Reminder("r", 10));
        var second = await Upsert(Reminder("r", 20), first);

        Assert.False(await Remove("r", first));
        Assert.NotNull(await Read(Grain(), "r"));

        Assert.True(await Remove("r", second));
        Assert.Null(await Read(Grain(), "r"));
        Assert.Empty(await Due(R0.AddYears(1), 10));
    }

    [Fact]
    public async Task UnconditionalRemoveRemovesAndRemovingAgainReportsFalse()
    {
        await Upsert(Reminder("r", 10));

        Assert.True(await Remove("r", null));
        Assert.False(await Remove("r", null));
        Assert.False(await Remove("never", null));
    }

    [Fact]
    public async Task ReadDueReturnsOnlyDueRemindersEarliestFirst()
    {
        foreach (var (name, due) in new[] { ("c", 30), ("a", 10), ("late", 3600), ("b", 20), ("d", 40) })
        {
            await Upsert(Reminder(name, due));
        }

        var due35 = await Due(R0.AddSeconds(35), 100);

        Assert.Equal(["a", "b", "c"], due35.Select(r => r.Name));
        Assert.All(due35, r => Assert.False(string.IsNullOrEmpty(r.ETag)));
    }

    [Fact]
    public async Task ReadDueIncludesAReminderDueExactlyAtTheCutoff()
    {
        await Upsert(Reminder("edge", 10));

        Assert.Single(await Due(R0.AddSeconds(10), 10));
        Assert.Empty(await Due(R0.AddSeconds(10).AddMilliseconds(-1), 10));
    }

    [Fact]
    public async Task ReadDueHonoursTheLimitAndKeepsTheEarliest()
    {
        for (var i = 10; i > 0; i--)
        {
            await Upsert(Reminder($"r{i}", i, grain: $"g{i}"));
        }

        var due = await Due(R0.AddMinutes(1), 3);

        Assert.Equal(["r1", "r2", "r3"], due.Select(r => r.Name));
    }

    [Fact]
    public async Task ReadDueSeesMovesAndRemovals()
    {
        var movedTag = await Upsert(Reminder("moved", 1));
        await Upsert(Reminder("removed", 2));
        await Upsert(Reminder("kept", 3, TimeSpan.FromSeconds(10)));

        await Upsert(Reminder("moved", 3600), movedTag);
        await Remove("removed", null);

        var due = await Due(R0.AddSeconds(10), 10);
        var kept = Assert.Single(due);
        Assert.Equal("kept", kept.Name);
        Assert.Equal(TimeSpan.FromSeconds(10), kept.Period);
    }

    [Fact]
    public async Task RemindersAreKeyedByGrainAndNameWithoutCollisions()
    {
        // Pairs that a naive "grain:name" key would confuse.
        var a = new ReminderEntry(new GrainId("ns", "a:b"), "c", R0.AddSeconds(1), null, string.Empty);
        var b = new ReminderEntry(new GrainId("ns", "a"), "b:c", R0.AddSeconds(2), null, string.Empty);
        var c = new ReminderEntry(new GrainId("ns:a", "b"), "c", R0.AddSeconds(3), null, string.Empty);
        var d = new ReminderEntry(new GrainId("other", "a:b"), "c", R0.AddSeconds(4), TimeSpan.FromDays(1), string.Empty);

        foreach (var entry in new[] { a, b, c, d })
        {
            await Upsert(entry);
        }

        Assert.Equal(4, (await Due(R0.AddMinutes(1), 10)).Count);
        Assert.True(await Table.RemoveAsync(a.GrainId, a.Name, null, CancellationToken.None));
        Assert.Equal([b.Name, c.Name, d.Name], (await Due(R0.AddMinutes(1), 10)).Select(r => r.Name));
        Assert.Equal(d.Period, (await Read(d.GrainId, d.Name))!.Period);
    }

    [Fact]
    public async Task TwentyConcurrentConditionalUpdatesHaveExactlyOneWinner()
    {
        var tag = await Upsert(Reminder("r", 10, TimeSpan.FromSeconds(5)));

        var results = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Task.Run(() => Upsert(Reminder("r", 10 + i), tag))));

        var winner = Assert.Single(results, r => r is not null);
        var stored = await Read(Grain(), "r");
        Assert.Equal(winner, stored!.ETag);
        Assert.Equal(10 + Array.IndexOf(results, winner) + 1, (int)(stored.DueTime - R0).TotalSeconds);
    }

    protected Task<string?> Upsert(ReminderEntry entry, string? expectedETag = null) =>
        Table.UpsertAsync(entry, expectedETag, CancellationToken.None);

    protected Task<bool> Remove(string name, string? expectedETag, string grain = "tenant") =>
        Table.RemoveAsync(Grain(grain), name, expectedETag, CancellationToken.None);

    protected Task<ReminderEntry?> Read(GrainId grain, string name) => Table.ReadAsync(grain, name, CancellationToken.None);

    protected Task<IReadOnlyList<ReminderEntry>> Due(DateTimeOffset before, int limit) => Table.ReadDueAsync(before, limit, CancellationToken.None);
}
