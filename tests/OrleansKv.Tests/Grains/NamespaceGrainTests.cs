using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Sqlite;
using OrleansKv.Server.Namespaces;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.Grains;

public sealed class NamespaceGrainTests
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string NewNs() => "ns-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task WriteThenReadReturnsTheEntryWithItsVersionAndMetadata()
    {
        await using var silo = await TestSilo.StartAsync();
        var ns = silo.Namespace(NewNs());

        var created = await ns.SetAsync(new SetCommand("user:1", Bytes("alice"), "text/plain"));
        var updated = await ns.SetAsync(new SetCommand("user:1", Bytes("bob")));
        var entry = await ns.GetAsync("user:1");

        Assert.Equal(KvStatus.Created, created.Status);
        Assert.Equal(KvStatus.Ok, updated.Status);
        Assert.True(updated.Version > created.Version);
        Assert.NotNull(entry);
        Assert.Equal("bob", Encoding.UTF8.GetString(entry.Value));
        Assert.Equal(updated.Version, entry.Version);
        Assert.Equal(ContentHash.Compute(Bytes("bob")), entry.Sha256);
        Assert.Null(entry.ContentType);
        Assert.True(entry.UpdatedAt >= entry.CreatedAt);
        Assert.Null(await ns.GetAsync("user:2"));
    }

    [Fact]
    public async Task RacingCreatorsWithIfNoneMatchProduceExactlyOneWinner()
    {
        await using var silo = await TestSilo.StartAsync();
        var ns = silo.Namespace(NewNs());

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(async () => await ns.SetAsync(new SetCommand("lock", Bytes($"owner-{i}"), IfNoneMatch: true)))));

        Assert.Single(results, r => r.Status == KvStatus.Created);
        Assert.Equal(39, results.Count(r => r.Status == KvStatus.PreconditionFailed));
        var winner = results.Single(r => r.Status == KvStatus.Created);
        Assert.Equal(winner.Version, (await ns.GetAsync("lock"))!.Version);
    }

    [Fact]
    public async Task RacingCompareAndSetWritersOnlyOneWinsPerVersion()
    {
        await using var silo = await TestSilo.StartAsync();
        var ns = silo.Namespace(NewNs());
        var start = await ns.SetAsync(new SetCommand("counter", Bytes("0")));

        // Each writer reads, then writes conditioned on what it read; losers retry. The counter must count every increment.
        async Task IncrementAsync()
        {
            while (true)
            {
                var current = (await ns.GetAsync("counter"))!;
                var next = int.Parse(Encoding.UTF8.GetString(current.Value), System.Globalization.CultureInfo.InvariantCulture) + 1;
                var result = await ns.SetAsync(new SetCommand("counter", Bytes(next.ToString(System.Globalization.CultureInfo.InvariantCulture)), IfMatch: current.Version));
                if (result.Status != KvStatus.PreconditionFailed)
                {
                    return;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(IncrementAsync)));

        Assert.Equal("50", Encoding.UTF8.GetString((await ns.GetAsync("counter"))!.Value));
        Assert.True(start.Version > 0);
    }

    [Fact]
    public async Task DeleteHonoursIfMatchAndReportsAbsentKeys()
    {
        await using var silo = await TestSilo.StartAsync();
        var ns = silo.Namespace(NewNs());
        var written = await ns.SetAsync(new SetCommand("k", Bytes("v")));

        Assert.Equal(KvStatus.PreconditionFailed, (await ns.DeleteAsync("k", written.Version + 100)).Status);
        Assert.NotNull(await ns.GetAsync("k"));
        Assert.Equal(KvStatus.Ok, (await ns.DeleteAsync("k", written.Version)).Status);
        Assert.Null(await ns.GetAsync("k"));
        Assert.Equal(KvStatus.NotFound, (await ns.DeleteAsync("k")).Status);
        Assert.Equal(KvStatus.PreconditionFailed, (await ns.DeleteAsync("k", SetCommand.AnyVersion)).Status);
    }

    [Fact]
    public async Task ConcurrentWritesShareGroupCommits()
    {
        await using var silo = await TestSilo.StartAsync();
        var store = (SqliteNamespaceStore)silo.Store;
        var ns = silo.Namespace(NewNs());
        await ns.SetAsync(new SetCommand("warm", Bytes("up")));
        var before = store.TransactionCount;

        const int Writes = 400;
        var results = await Task.WhenAll(Enumerable.Range(0, Writes).Select(i =>
            Task.Run(async () => await ns.SetAsync(new SetCommand($"k{i:D4}", Bytes($"v{i}"))))));

        var transactions = store.TransactionCount - before;
        Assert.All(results, r => Assert.Equal(KvStatus.Created, r.Status));
        Assert.Equal(Writes, results.Select(r => r.Version).Distinct().Count());
        Assert.True(transactions < Writes / 4, $"{Writes} concurrent writes took {transactions} transactions");
        Assert.Equal(Writes + 1, (await ns.GetStatsAsync()).Keys);
    }

    [Fact]
    public async Task AcknowledgedWritesSurviveASiloRestart()
    {
        using var data = new TempDirectory();
        var name = NewNs();
        await using (var silo = await TestSilo.StartAsync(dataDirectory: data.Path))
        {
            var ns = silo.Namespace(name);
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () => await ns.SetAsync(new SetCommand($"key/{i}", Bytes($"value {i}"))))));
        }

        await using (var silo = await TestSilo.StartAsync(dataDirectory: data.Path))
        {
            var ns = silo.Namespace(name);
            for (var i = 0; i < 200; i++)
            {
                Assert.Equal($"value {i}", Encoding.UTF8.GetString((await ns.GetAsync($"key/{i}"))!.Value));
            }

            var stats = await ns.GetStatsAsync();
            Assert.Equal(200, stats.Keys);
        }
    }

    [Fact]
    public async Task BatchAppliesEveryWriteOrNone()
    {
        await using var silo = await TestSilo.StartAsync();
        var ns = silo.Namespace(NewNs());
        var existing = await ns.SetAsync(new SetCommand("c", Bytes("old")));

        var failed = await ns.BatchAsync(
        [
            new BatchOperation(BatchOpKind.Put, "a", Bytes("1")),
            new BatchOperation(BatchOpKind.Put, "b", Bytes("2")),
            new BatchOperation(BatchOpKind.Get, "a"),
            new BatchOperation(BatchOpKind.Put, "c", Bytes("new"), IfMatch: existing.Version + 7),
        ]);

        Assert.False(failed.Applied);
        Assert.Equal([KvStatus.Aborted, KvStatus.Aborted, KvStatus.NotFound, KvStatus.PreconditionFailed], failed.Results.Select(r => r.Status));
        Assert.Null(await ns.GetAsync("a"));
        Assert.Equal("old", Encoding.UTF8.GetString((await ns.GetAsync("c"))!.Value));

        var applied = await ns.BatchAsync(
        [
            new BatchOperation(BatchOpKind.Put, "a", Bytes("1")),
            new BatchOperation(BatchOpKind.Get, "a"),
            new BatchOperation(BatchOpKind.Put, "c", Bytes("new"), IfMatch: existing.Version),
            new BatchOperation(BatchOpKind.Delete, "a"),
        ]);

        Assert.True(applied.Applied);
        Assert.Equal("1", Encoding.UTF8.GetString(applied.Results[1].Entry!.Value));
        Assert.Null(await ns.GetAsync("a"));
        Assert.Equal("new", Encoding.UTF8.GetString((await ns.GetAsync("c"))!.Value));
        Assert.Equal(1, (await ns.GetStatsAsync()).Keys);
    }

    [Fact]
    public async Task ListingStreamsKeysInByteOrderAcrossPages()
    {
        await using var silo = await TestSilo.StartAsync(configureNamespaces: o => o.ListPageSize = 7);
        var ns = silo.Namespace(NewNs());
        var keys = Enumerable.Range(0, 150).Select(i => $"item/{i}").Concat(["é", "z", "Z", "a b", "日本", "😀", "item"]).ToList();
        await ns.BatchAsync([.. keys.Select(k => new BatchOperation(BatchOpKind.Put, k, Bytes(k)))]);

        var all = await ns.ListAsync(new ListQuery(string.Empty, null, 0)).Select(i => i.Key).ToListAsync();
        var expected = keys.OrderBy(k => Encoding.UTF8.GetBytes(k), ByteOrder.Instance).ToList();
        Assert.Equal(expected, all);

        var prefixed = await ns.ListAsync(new ListQuery("item/", "item/5", 20)).Select(i => i.Key).ToListAsync();
        Assert.Equal(expected.Where(k => k.StartsWith("item/", StringComparison.Ordinal) && string.CompareOrdinal(k, "item/5") > 0).Take(20), prefixed);
    }

    [Fact]
    public async Task CacheStaysBoundedInALargeNamespace()
    {
        await using var silo = await TestSilo.StartAsync(configureNamespaces: o => o.CacheMaxEntries = 64);
        var name = NewNs();
        var ns = silo.Namespace(name);
        for (var start = 0; start < 3000; start += 1000)
        {
            await ns.BatchAsync([.. Enumerable.Range(start, 1000).Select(i => new BatchOperation(BatchOpKind.Put, $"k{i}", Bytes($"v{i}")))]);
        }

        for (var i = 0; i < 3000; i += 7)
        {
            Assert.Equal($"v{i}", Encoding.UTF8.GetString((await ns.GetAsync($"k{i}"))!.Value));
        }

        Assert.InRange((await ns.GetStatsAsync()).CachedEntries, 1, 64);
    }

    [Fact]
    public async Task StaleActivationCannotOverwriteNewerWrite()
    {
        await using var silo = await TestSilo.StartAsync();
        var name = NewNs();
        var ns = silo.Namespace(name);
        var seen = await ns.SetAsync(new SetCommand("k", Bytes("first")));

        // Another activation (as on another silo during failover) claims the namespace and writes.
        var store = silo.Store;
        var claim = await store.ClaimAsync(name, CancellationToken.None);
        var newer = new StoredEntry("k", Bytes("newer"), null, ContentHash.Compute(Bytes("newer")), claim.Revision + 1, 0, 0, null);
        Assert.Equal(CommitStatus.Committed, (await store.CommitAsync(name, new CommitBatch(claim.Epoch, claim.Revision, claim.Revision + 1, [EntryMutation.Put(newer)]), CancellationToken.None)).Status);

        // The stale activation still believes version `seen` is current; its commit is fenced and it retires,
        // telling the caller nothing was applied. Called again (as the front end does), a fresh activation sees
        // the newer write and refuses.
        var stale = new SetCommand("k", Bytes("stale"), IfMatch: seen.Version);
        await Assert.ThrowsAsync<NamespaceMovedException>(async () => await ns.SetAsync(stale));
        var calls = new NamespaceCalls(silo.Grains, TimeProvider.System, NullLogger<NamespaceCalls>.Instance);
        var result = await calls.SetAsync(name, stale, CancellationToken.None);

        Assert.Equal(KvStatus.PreconditionFailed, result.Status);
        Assert.Equal("newer", Encoding.UTF8.GetString((await calls.GetAsync(name, "k", CancellationToken.None))!.Value));
    }

    [Fact]
    public async Task AStorageFailureFailsTheWriteAndTheNextCallRecovers()
    {
        var faults = new FaultInjection();
        await using var silo = await TestSilo.StartAsync(configureServices: s => s.Decorate(faults));
        var ns = silo.Namespace(NewNs());
        await ns.SetAsync(new SetCommand("before", Bytes("1")));

        faults.FailCommits = true;
        await Assert.ThrowsAsync<NamespaceStoreException>(async () => await ns.SetAsync(new SetCommand("during", Bytes("2"))));
        faults.FailCommits = false;

        Assert.Equal(KvStatus.Created, (await ns.SetAsync(new SetCommand("after", Bytes("3")))).Status);
        Assert.NotNull(await ns.GetAsync("before"));
        Assert.Null(await ns.GetAsync("during"));
        Assert.NotNull(await ns.GetAsync("after"));
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
