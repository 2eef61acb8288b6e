using OrleansKv.Grains.Storage;

namespace OrleansKv.Tests.Storage.Redis;

/// <summary>Redis-only: fencing leaves no trace, the largest values, many namespaces at once, duplicate keys in a batch.</summary>
public sealed partial class RedisNamespaceStoreTests
{
    [Fact]
    public async Task FencedCommitsLeaveEveryRedisKeyAsItWas()
    {
        var stale = await Open();
        await stale.Put("kept", "v", expiresAt: NowMs + Hour);
        await stale.Put("other", "v");
        var current = await Open(stale.Ns);
        var before = await SnapshotNamespaceAsync(stale.Ns);

        var staleEpoch = await stale.TryCommit(
            EntryMutation.Put(Entry("kept", "overwritten", stale.NextRevision)),
            EntryMutation.Put(Entry("new", "v", stale.NextRevision, expiresAt: NowMs + 1_000)),
            EntryMutation.Delete("other"));
        var wrongRevision = await Store.CommitAsync(
            stale.Ns,
            new CommitBatch(current.Epoch, current.Revision + 1, current.Revision + 2, [EntryMutation.Put(Entry("new", "v", 9)), EntryMutation.Delete("kept")]),
            default);

        Assert.Equal(CommitStatus.Fenced, staleEpoch);
        Assert.Equal(CommitStatus.Fenced, wrongRevision.Status);
        Assert.Equal(before, await SnapshotNamespaceAsync(stale.Ns));
        Assert.Contains(before, e => e.Key.EndsWith(":e:kept", StringComparison.Ordinal) && e.Value.HasTtl);
    }

    [Fact]
    public async Task CommitToAnUnclaimedNamespaceWritesNoRedisKey()
    {
        var ns = NewNamespace();

        var status = await Store.CommitAsync(ns, new CommitBatch(1, 0, 1, [EntryMutation.Put(Entry("k", "v", 1, expiresAt: NowMs + Hour))]), default);

        Assert.Equal(CommitStatus.Fenced, status.Status);
        Assert.Empty(await ScanAsync(Admin, $"{_prefix}{{{ns}}}*"));
    }

    [Fact]
    public async Task SixteenMebibyteValueRoundTripsAndKeepsTheStatsExact()
    {
        var session = await Open();
        var value = new byte[16 * 1024 * 1024];
        new Random(16).NextBytes(value);
        var written = new StoredEntry("huge", value, "application/octet-stream", ContentHash.Compute(value), session.NextRevision, 1, 1, NowMs + Hour);

        await session.Commit(EntryMutation.Put(written));

        AssertSameEntry(written, await Read(session.Ns, "huge"));
        Assert.Equal(value.Length, Assert.Single(await List(session.Ns, "", null, 10)).Size);
        Assert.Equal("huge".Length + value.Length, await MetaAsync(session.Ns, "bytes"));
        await session.Put("huge", "small");
        Assert.Equal("hugesmall".Length, await MetaAsync(session.Ns, "bytes"));
        await session.Commit(EntryMutation.Delete("huge"));
        Assert.Equal(0, await MetaAsync(session.Ns, "bytes"));
    }

    [Fact]
    public async Task LaterMutationsOfOneKeyInABatchWinAndTheStatsCountTheOutcomeOnly()
    {
        var session = await Open();
        await session.Put("existing", "12345");

        await session.Commit(
            EntryMutation.Put(Entry("existing", "x", session.NextRevision, expiresAt: NowMs + Hour)),
            EntryMutation.Delete("existing"),
            EntryMutation.Put(Entry("fresh", new string('f', 1000), session.NextRevision, expiresAt: NowMs + Hour)),
            EntryMutation.Put(Entry("fresh", "ff", session.NextRevision)),
            EntryMutation.Delete("ghost"),
            EntryMutation.Put(Entry("ghost", "g", session.NextRevision)),
            EntryMutation.Delete("ghost"));

        Assert.Null(await Read(session.Ns, "existing"));
        Assert.Null(await Read(session.Ns, "ghost"));
        Assert.Equal("ff", Text(await Read(session.Ns, "fresh")));
        Assert.Null(await NextExpiry(session.Ns));
        Assert.Null(await Admin.KeyTimeToLiveAsync(Redis.KeysOf(session.Ns).Entry("fresh"u8)));
        Assert.Equal(new NamespaceSnapshot(session.Epoch + 1, 2, 1, "freshff".Length, PreviousHolderActive: true) { Objects = 1, StoredBytes = "ff".Length }, await Claim(session.Ns));
    }

    [Fact]
    public async Task ConcurrentCommitsFromManyNamespacesKeepEveryNamespacesStatsExact()
    {
        const int Namespaces = 200;
        const int CommitsEach = 12;
        var sessions = await Task.WhenAll(Enumerable.Range(0, Namespaces).Select(_ => Open()));

        await Task.WhenAll(sessions.Select(session => Task.Run(async () =>
        {
            for (var i = 0; i < CommitsEach; i++)
            {
                var put = EntryMutation.Put(Entry($"key-{i}", $"{session.Ns}/{i}", session.NextRevision, expiresAt: i % 2 == 0 ? NowMs + Hour : null));
                await session.Commit(i % 3 == 2 ? [put, EntryMutation.Delete($"key-{i - 1}")] : [put]);
            }
        })));

        foreach (var session in sessions)
        {
            var live = Enumerable.Range(0, CommitsEach).Where(i => i % 3 != 1).Select(i => $"key-{i}").ToList();
            var snapshot = await Claim(session.Ns);
            Assert.Equal(CommitsEach, snapshot.Revision);
            Assert.Equal(live.Count, snapshot.KeyCount);
            Assert.Equal(live.Sum(k => k.Length + $"{session.Ns}/{k[4..]}".Length), snapshot.TotalBytes);
            Assert.Equal(live.Order(StringComparer.Ordinal), await ListKeys(session.Ns, ""));
        }
    }
}
