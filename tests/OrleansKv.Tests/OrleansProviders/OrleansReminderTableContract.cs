using Orleans;
using Orleans.Runtime;

namespace OrleansKv.Tests.OrleansProviders;

/// <summary>
/// What every Orleans <see cref="IReminderTable"/> must do, as scenarios a backend's test class runs from one-line
/// facts: ETag-checked upserts and removes, reads by grain and by (begin, end] ranges of
/// <see cref="GrainId.GetUniformHashCode"/> that wrap around the ring, clearing, and reopening the same storage.
/// Each test gets its own empty table.
/// </summary>
public abstract class OrleansReminderTableContract : IAsyncLifetime
{
    private IReminderTable? _table;

    protected IReminderTable Table => _table ?? throw new InvalidOperationException("The table is opened in InitializeAsync.");

    /// <summary>Opens the backend's table on this test's storage: empty the first time, the same storage after <see cref="CloseAsync"/>.</summary>
    protected abstract Task<IReminderTable> OpenAsync();

    /// <summary>Releases the table <see cref="OpenAsync"/> returned (its connections and services), keeping the stored data.</summary>
    protected abstract Task CloseAsync();

    public virtual async Task InitializeAsync()
    {
        _table = await OpenAsync();
        await _table.StartAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_table is not null)
        {
            await _table.StopAsync();
            await CloseAsync();
        }
    }

    protected async Task CheckUpsertedReminderReadsBackWithItsFieldsAndETag()
    {
        var reminder = Reminder(NewGrain(), "daily", TimeSpan.FromDays(1));

        var etag = await Table.UpsertRow(reminder);

        Assert.False(string.IsNullOrEmpty(etag));
        var read = await Table.ReadRow(reminder.GrainId, "daily");
        AssertSame(reminder, etag!, read);
    }

    protected async Task CheckEveryUpsertIssuesANewETagAndTheLastOneWins()
    {
        var reminder = Reminder(NewGrain(), "r", TimeSpan.FromMinutes(1));
        var first = await Table.UpsertRow(reminder);

        reminder.StartAt = reminder.StartAt.AddMinutes(5);
        reminder.Period = TimeSpan.FromMinutes(7);
        var second = await Table.UpsertRow(reminder);

        Assert.NotEqual(first, second);
        AssertSame(reminder, second!, await Table.ReadRow(reminder.GrainId, "r"));
    }

    protected async Task CheckRemoveWithAStaleETagFailsAndKeepsTheReminder()
    {
        var reminder = Reminder(NewGrain(), "r");
        var stale = await Table.UpsertRow(reminder);
        var current = await Table.UpsertRow(reminder);

        Assert.False(await Table.RemoveRow(reminder.GrainId, "r", stale!));

        Assert.Equal(current, (await Table.ReadRow(reminder.GrainId, "r"))?.ETag);
    }

    protected async Task CheckRemoveWithTheCurrentETagDeletesTheReminderOnce()
    {
        var reminder = Reminder(NewGrain(), "r");
        var etag = await Table.UpsertRow(reminder);

        Assert.True(await Table.RemoveRow(reminder.GrainId, "r", etag!));
        Assert.False(await Table.RemoveRow(reminder.GrainId, "r", etag!));

        Assert.Null(await Table.ReadRow(reminder.GrainId, "r"));
        Assert.Empty((await Table.ReadRows(reminder.GrainId)).Reminders);
    }

    protected async Task CheckRemoveOfAnotherReminderNameFailsEvenWithTheETag()
    {
        var reminder = Reminder(NewGrain(), "r");
        var etag = await Table.UpsertRow(reminder);

        Assert.False(await Table.RemoveRow(reminder.GrainId, "other", etag!));
        Assert.False(await Table.RemoveRow(NewGrain(), "r", etag!));

        Assert.NotNull(await Table.ReadRow(reminder.GrainId, "r"));
    }

    protected async Task CheckAnETagFromBeforeARemoveDoesNotMatchTheReRegisteredReminder()
    {
        var reminder = Reminder(NewGrain(), "again");
        var old = await Table.UpsertRow(reminder);
        Assert.True(await Table.RemoveRow(reminder.GrainId, "again", old!));

        var renewed = await Table.UpsertRow(reminder);

        Assert.NotEqual(old, renewed);
        Assert.False(await Table.RemoveRow(reminder.GrainId, "again", old!));
        Assert.True(await Table.RemoveRow(reminder.GrainId, "again", renewed!));
    }

    protected async Task CheckAnUnknownReminderReadsAsNullAndAnUnknownGrainAsEmpty()
    {
        var grain = NewGrain();
        await Table.UpsertRow(Reminder(grain, "known"));

        Assert.Null(await Table.ReadRow(grain, "unknown"));
        Assert.Null(await Table.ReadRow(NewGrain(), "known"));
        Assert.Empty((await Table.ReadRows(NewGrain())).Reminders);
    }

    protected async Task CheckReadRowsOfAGrainReturnsAllItsRemindersAndNoOthers()
    {
        var grain = NewGrain();
        var other = NewGrain();
        var etags = new Dictionary<string, string?>
        {
            ["a"] = await Table.UpsertRow(Reminder(grain, "a")),
            ["b"] = await Table.UpsertRow(Reminder(grain, "b")),
            ["c"] = await Table.UpsertRow(Reminder(grain, "c")),
        };
        await Table.UpsertRow(Reminder(other, "a"));

        var rows = (await Table.ReadRows(grain)).Reminders;

        Assert.Equal(["a", "b", "c"], rows.Select(r => r.ReminderName).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(grain, r.GrainId));
        Assert.All(rows, r => Assert.Equal(etags[r.ReminderName], r.ETag));
    }

    protected async Task CheckRangeExcludesItsBeginAndIncludesItsEnd()
    {
        var hashes = await UpsertGrainsAsync(8);

        Assert.Equal(hashes[2..4], await HashesIn(hashes[1], hashes[3]));
        Assert.Equal([hashes[1]], await HashesIn(hashes[1] - 1, hashes[1]));
        Assert.Empty(await HashesIn(hashes[1], hashes[2] - 1));
        Assert.Equal(hashes[..1], await HashesIn(0, hashes[0]));
        Assert.Equal(hashes[1..], await HashesIn(hashes[0], uint.MaxValue));
    }

    protected async Task CheckRangeWithBeginAboveEndWrapsAroundTheRing()
    {
        var hashes = await UpsertGrainsAsync(8);

        var wrapped = await HashesIn(hashes[5], hashes[1]);

        Assert.Equal(hashes[6..].Concat(hashes[..2]).Order(), wrapped);
        Assert.Equal(hashes[..1], await HashesIn(uint.MaxValue, hashes[0]));
    }

    protected async Task CheckRangeWithEqualBoundsCoversTheWholeRing()
    {
        var hashes = await UpsertGrainsAsync(8);

        Assert.Equal(hashes, await HashesIn(hashes[3], hashes[3]));
        Assert.Equal(hashes, await HashesIn(0, 0));
        Assert.Equal(hashes, await HashesIn(uint.MaxValue, uint.MaxValue));
    }

    protected async Task CheckRangeReadsOverManyGrainsAgreeWithTheirUniformHashes()
    {
        var reminders = new List<ReminderEntry>();
        for (var i = 0; i < 150; i++)
        {
            var grain = NewGrain();
            reminders.Add(Reminder(grain, "first"));
            reminders.Add(Reminder(grain, "second"));
        }

        await Task.WhenAll(reminders.Select(r => Table.UpsertRow(r)));

        var random = new Random(20261202);
        var bounds = new List<(uint Begin, uint End)> { (0, uint.MaxValue), (uint.MaxValue, 0), (int.MaxValue, int.MaxValue + 1u) };
        for (var i = 0; i < 40; i++)
        {
            bounds.Add(((uint)random.NextInt64(0, 1L << 32), (uint)random.NextInt64(0, 1L << 32)));
        }

        foreach (var (begin, end) in bounds)
        {
            var expected = reminders.Where(r => InRange(r.GrainId.GetUniformHashCode(), begin, end)).Select(Key).Order(StringComparer.Ordinal);
            var actual = (await Table.ReadRows(begin, end)).Reminders.Select(Key).Order(StringComparer.Ordinal);
            Assert.Equal(expected, actual);
        }
    }

    protected async Task CheckClearingTheTableRemovesEveryReminder()
    {
        var grain = NewGrain();
        await UpsertGrainsAsync(5);
        await Table.UpsertRow(Reminder(grain, "r"));

        await Table.TestOnlyClearTable();

        Assert.Empty((await Table.ReadRows(0, 0)).Reminders);
        Assert.Null(await Table.ReadRow(grain, "r"));
        Assert.False(string.IsNullOrEmpty(await Table.UpsertRow(Reminder(grain, "r"))));
    }

    protected async Task CheckRemindersSurviveReopeningTheTable()
    {
        var reminder = Reminder(NewGrain(), "durable", TimeSpan.FromHours(1));
        var etag = await Table.UpsertRow(reminder);

        await ReopenAsync();

        AssertSame(reminder, etag!, await Table.ReadRow(reminder.GrainId, "durable"));
        Assert.Contains((await Table.ReadRows(0, 0)).Reminders, r => r.GrainId == reminder.GrainId);
        Assert.True(await Table.RemoveRow(reminder.GrainId, "durable", etag!));
    }

    protected async Task CheckGrainIdsAndNamesWithUnusualCharactersRoundTrip()
    {
        // Grain ids travel as GrainId.ToString() and come back through GrainId.Parse, which splits type from key at
        // the first '/': a key may hold anything, a grain type (a class alias) no '/'.
        var grain = GrainId.Create(GrainType.Create("remindable.odd-type"), GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid(), "foo/bar\\#baz? 'x' \"y\""));
        var stringGrain = GrainId.Create("remindable", "key with spaces, commas, \u041f\u0440\u0438\u0432\u0435\u0442 and \U0001F600");
        var name = "foo/bar\\#b_a_z? % _ ' \" \u00e9";

        var etag = await Table.UpsertRow(Reminder(grain, name));
        var stringEtag = await Table.UpsertRow(Reminder(stringGrain, name));

        Assert.Equal(etag, (await Table.ReadRow(grain, name))?.ETag);
        Assert.Equal(stringEtag, (await Table.ReadRow(stringGrain, name))?.ETag);
        Assert.Equal(grain, Assert.Single((await Table.ReadRows(grain)).Reminders).GrainId);
        Assert.Null(await Table.ReadRow(grain, "foo/bar\\#b_a_z?"));
        Assert.True(await Table.RemoveRow(stringGrain, name, stringEtag!));
    }

    protected static GrainId NewGrain() =>
        GrainId.Create(GrainType.Create("remindable"), GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid()));

    /// <summary>A reminder starting at a whole second (as the reminder service writes them), in UTC.</summary>
    protected static ReminderEntry Reminder(GrainId grain, string name, TimeSpan? period = null)
    {
        var now = DateTime.UtcNow;
        return new ReminderEntry
        {
            GrainId = grain,
            ReminderName = name,
            StartAt = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, DateTimeKind.Utc).AddTicks(1234567),
            Period = period ?? TimeSpan.FromMinutes(1),
        };
    }

    private async Task ReopenAsync()
    {
        await Table.StopAsync();
        await CloseAsync();
        _table = await OpenAsync();
        await _table.StartAsync();
    }

    /// <summary>Upserts one reminder for each of <paramref name="count"/> new grains and returns their hashes in order.</summary>
    private async Task<uint[]> UpsertGrainsAsync(int count)
    {
        var grains = Enumerable.Range(0, count).Select(_ => NewGrain()).ToArray();
        foreach (var grain in grains)
        {
            await Table.UpsertRow(Reminder(grain, "r"));
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToArray();
        Assert.Equal(count, hashes.Distinct().Count());
        Assert.True(hashes[0] > 0 && hashes[^1] < uint.MaxValue, "the boundary cases assume no grain hashes to 0 or uint.MaxValue");
        return hashes;
    }

    private async Task<uint[]> HashesIn(uint begin, uint end) =>
        (await Table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId.GetUniformHashCode()).Order().ToArray();

    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private static string Key(ReminderEntry entry) => $"{entry.GrainId}|{entry.ReminderName}";

    private static void AssertSame(ReminderEntry expected, string etag, ReminderEntry? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.GrainId, actual.GrainId);
        Assert.Equal(expected.ReminderName, actual.ReminderName);
        Assert.Equal(expected.StartAt, actual.StartAt);
        Assert.Equal(expected.StartAt.Kind, actual.StartAt.Kind);
        Assert.Equal(expected.Period, actual.Period);
        Assert.Equal(etag, actual.ETag);
    }
}
