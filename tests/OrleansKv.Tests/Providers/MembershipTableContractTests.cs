using OrleansKv.Runtime;
using static OrleansKv.Tests.Providers.ProviderTestData;

namespace OrleansKv.Tests.Providers;

/// <summary>
/// What every <see cref="IMembershipTable"/> must do. A backend's test class derives from this and creates a fresh,
/// empty table per test; every scenario then runs against it, so the backends provably agree.
/// </summary>
public abstract class MembershipTableContractTests : IAsyncLifetime
{
    private IMembershipTable? _table;

    protected IMembershipTable Table => _table ?? throw new InvalidOperationException("The table is created in InitializeAsync.");

    /// <summary>Creates an empty table of the backend under test.</summary>
    protected abstract Task<IMembershipTable> CreateTableAsync();

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

    [Fact]
    public async Task EmptyTableReadsAsVersionZeroWithoutEntries()
    {
        await Table.InitializeAsync(CancellationToken.None);

        var data = await Read();

        Assert.Equal(0, data.Version);
        Assert.Empty(data.Entries);
    }

    [Fact]
    public async Task WriteAtTheCurrentVersionInsertsTheRowAndBumpsTheVersion()
    {
        var entry = Entry(Silo(1), SiloStatus.Joining);

        Assert.True(await Write(entry, 0));

        var data = await Read();
        Assert.Equal(1, data.Version);
        AssertSameEntry(entry, Assert.Single(data.Entries));
    }

    [Fact]
    public async Task WriteAtAStaleOrFutureVersionIsRejectedAndChangesNothing()
    {
        var first = Entry(Silo(1), SiloStatus.Active);
        await Write(first, 0);

        Assert.False(await Write(Entry(Silo(2), SiloStatus.Joining), 0));
        Assert.False(await Write(first with { Status = SiloStatus.Dead }, 0));
        Assert.False(await Write(Entry(Silo(2), SiloStatus.Joining), 7));

        var data = await Read();
        Assert.Equal(1, data.Version);
        AssertSameEntry(first, Assert.Single(data.Entries));
    }

    [Fact]
    public async Task WriteReplacesTheRowOfTheSameSilo()
    {
        var joining = Entry(Silo(1), SiloStatus.Joining);
        await Write(joining, 0);

        Assert.True(await Write(joining with { Status = SiloStatus.Active }, 1));

        var data = await Read();
        Assert.Equal(2, data.Version);
        Assert.Equal(SiloStatus.Active, Assert.Single(data.Entries).Status);
    }

    [Fact]
    public async Task EveryFieldRoundTrips()
    {
        var entry = new MembershipEntry(
            new SiloAddress("silo-ä.example", 30001, 638_000_000_000_123),
            SiloStatus.ShuttingDown,
            "name with spaces, \"quotes\" and ünïcödé",
            new DateTimeOffset(2029, 12, 31, 23, 59, 59, TimeSpan.FromHours(2)).AddTicks(42),
            T0.AddTicks(7),
            Votes((2, 1), (3, 2)));
        var other = Entry(new SiloAddress("::1", 11111, 5), SiloStatus.Dead);

        await Write(entry, 0);
        await Write(other, 1);

        var data = await Read();
        AssertSameEntry(entry, data.Find(entry.Silo));
        AssertSameEntry(other, data.Find(other.Silo));
    }

    [Fact]
    public async Task TwentyConcurrentWritesAtTheSameVersionHaveExactlyOneWinner()
    {
        await Write(Entry(Silo(1), SiloStatus.Active), 0);
        var contenders = Enumerable.Range(2, 20).Select(n => Entry(Silo(n), SiloStatus.Joining)).ToList();

        var results = await Task.WhenAll(contenders.Select(e => Task.Run(() => Write(e, 1))));

        Assert.Equal(1, results.Count(r => r));
        var winner = contenders[Array.IndexOf(results, true)];
        var data = await Read();
        Assert.Equal(2, data.Version);
        Assert.Equal(2, data.Entries.Count);
        AssertSameEntry(winner, data.Find(winner.Silo));
    }

    [Fact]
    public async Task ConcurrentReadModifyWriteLoopsLoseNoUpdate()
    {
        const int Writers = 12;

        await Task.WhenAll(Enumerable.Range(1, Writers).Select(n => Task.Run(() => UpsertWithRetry(Entry(Silo(n), SiloStatus.Active)))));

        var data = await Read();
        Assert.Equal(Writers, data.Version);
        Assert.Equal(Enumerable.Range(1, Writers).Select(n => Silo(n)).ToHashSet(), data.Entries.Select(e => e.Silo).ToHashSet());
    }

    [Fact]
    public async Task HeartbeatUpdatesIAmAliveWithoutBumpingTheVersion()
    {
        var entry = Entry(Silo(1), SiloStatus.Active);
        await Write(entry, 0);

        await Table.UpdateIAmAliveAsync(entry.Silo, T0.AddSeconds(5).AddTicks(3), CancellationToken.None);

        var data = await Read();
        Assert.Equal(1, data.Version);
        AssertSameEntry(entry with { IAmAliveTime = T0.AddSeconds(5).AddTicks(3) }, Assert.Single(data.Entries));
        Assert.True(await Write(entry with { Status = SiloStatus.ShuttingDown }, 1), "a heartbeat must not invalidate the version a writer read");
    }

    [Fact]
    public async Task HeartbeatOfASiloWithoutARowIsIgnoredAndLeavesNothingBehind()
    {
        await Table.UpdateIAmAliveAsync(Silo(9), T0, CancellationToken.None);

        var data = await Read();
        Assert.Equal(0, data.Version);
        Assert.Empty(data.Entries);
        var entry = Entry(Silo(9), SiloStatus.Active, T0.AddSeconds(-1));
        Assert.True(await Write(entry, 0));
        AssertSameEntry(entry, Assert.Single((await Read()).Entries));
    }

    [Fact]
    public async Task CasWriteCarryingAnOlderIAmAliveKeepsTheNewerHeartbeat()
    {
        var entry = Entry(Silo(1), SiloStatus.Active);
        await Write(entry, 0);
        await Table.UpdateIAmAliveAsync(entry.Silo, T0.AddSeconds(30), CancellationToken.None);

        Assert.True(await Write(entry with { Suspicions = Votes((2, 1)) }, 1));

        var stored = Assert.Single((await Read()).Entries);
        Assert.Equal(T0.AddSeconds(30), stored.IAmAliveTime);
        Assert.Single(stored.Suspicions);
    }

    [Fact]
    public async Task CasWriteCarryingANewerIAmAliveAdvancesIt()
    {
        var entry = Entry(Silo(1), SiloStatus.Joining);
        await Write(entry, 0);

        await Write(entry with { Status = SiloStatus.Active, IAmAliveTime = T0.AddSeconds(3) }, 1);

        Assert.Equal(T0.AddSeconds(3), Assert.Single((await Read()).Entries).IAmAliveTime);
    }

    [Fact]
    public async Task HeartbeatsAreNotLostUnderConcurrentCasWrites()
    {
        var target = Silo(1);
        await Write(Entry(target, SiloStatus.Active), 0);
        var lastBeat = T0;
        var casWrites = 0;

        var heartbeats = Task.Run(async () =>
        {
            for (var i = 1; i <= 60; i++)
            {
                lastBeat = T0.AddMilliseconds(i * 10);
                await Table.UpdateIAmAliveAsync(target, lastBeat, CancellationToken.None);
            }
        });
        var voters = Enumerable.Range(2, 6).Select(voter => Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                // Each vote is a read-modify-write of the target's row, carrying whatever heartbeat it read.
                await UpdateWithRetry(target, e => e with { Suspicions = [.. e.Suspicions, new SuspectVote(Silo(voter), T0)] });
                Interlocked.Increment(ref casWrites);
            }
        }));
        await Task.WhenAll([heartbeats, .. voters]);

        var data = await Read();
        var stored = Assert.Single(data.Entries);
        Assert.Equal(lastBeat, stored.IAmAliveTime);
        Assert.Equal(30, stored.Suspicions.Length);
        Assert.Equal(1 + casWrites, data.Version);
    }

    [Fact]
    public async Task CleanupRemovesOnlyDeadRowsWhoseHeartbeatIsOlderThanTheCutoff()
    {
        var cutoff = T0.AddMinutes(10);
        var deadOld = Entry(Silo(1), SiloStatus.Dead, T0);
        var deadRecent = Entry(Silo(2), SiloStatus.Dead, cutoff.AddSeconds(1));
        var activeOld = Entry(Silo(3), SiloStatus.Active, T0);
        var leavingOld = Entry(Silo(4), SiloStatus.ShuttingDown, T0);
        var deadBeatLater = Entry(Silo(5), SiloStatus.Dead, T0);
        long version = 0;
        foreach (var entry in new[] { deadOld, deadRecent, activeOld, leavingOld, deadBeatLater })
        {
            await Write(entry, version++);
        }

        await Table.UpdateIAmAliveAsync(deadBeatLater.Silo, cutoff.AddSeconds(5), CancellationToken.None);

        await Table.CleanupDefunctEntriesAsync(cutoff, CancellationToken.None);

        var data = await Read();
        Assert.Equal(version, data.Version);
        Assert.Equal(new[] { Silo(2), Silo(3), Silo(4), Silo(5) }.ToHashSet(), data.Entries.Select(e => e.Silo).ToHashSet());
        Assert.True(await Write(Entry(Silo(6), SiloStatus.Joining), version), "cleanup must not disturb writers holding the version");
    }

    [Fact]
    public async Task CleanupOfATableWithNothingDefunctChangesNothing()
    {
        await Table.CleanupDefunctEntriesAsync(T0, CancellationToken.None);
        await Write(Entry(Silo(1), SiloStatus.Active), 0);

        await Table.CleanupDefunctEntriesAsync(T0.AddYears(1), CancellationToken.None);

        Assert.Single((await Read()).Entries);
    }

    [Fact]
    public async Task ARowRemovedByCleanupCanBeWrittenAgain()
    {
        var entry = Entry(Silo(1), SiloStatus.Dead, T0);
        await Write(entry, 0);
        await Table.CleanupDefunctEntriesAsync(T0.AddSeconds(1), CancellationToken.None);

        var again = entry with { Status = SiloStatus.Dead, IAmAliveTime = T0.AddSeconds(2) };
        Assert.True(await Write(again, 1));

        AssertSameEntry(again, Assert.Single((await Read()).Entries));
    }

    protected Task<MembershipTableData> Read() => Table.ReadAllAsync(CancellationToken.None);

    protected Task<bool> Write(MembershipEntry entry, long expectedVersion) => Table.TryWriteAsync(entry, expectedVersion, CancellationToken.None);

    private Task UpsertWithRetry(MembershipEntry entry) => UpdateWithRetry(entry.Silo, _ => entry);

    /// <summary>The membership service's pattern: read, change, compare-and-set, retry on conflict.</summary>
    private async Task UpdateWithRetry(SiloAddress silo, Func<MembershipEntry, MembershipEntry> change)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var data = await Read();
            var current = data.Find(silo) ?? Entry(silo, SiloStatus.Joining);
            if (await Write(change(current), data.Version))
            {
                return;
            }

            await Task.Yield();
        }

        Assert.Fail("a compare-and-set loop made no progress in 500 attempts");
    }
}
