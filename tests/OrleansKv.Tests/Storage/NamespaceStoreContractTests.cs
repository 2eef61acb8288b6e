using System.Security.Cryptography;
using System.Text;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="INamespaceStore"/> backend must show. A backend's test class derives from
/// this and overrides <see cref="CreateStoreAsync"/>; every scenario below then runs against it. Each test
/// works in namespaces of its own (<see cref="NewNamespace"/>), so backends may share one server.
/// </summary>
public abstract class NamespaceStoreContractTests : IAsyncLifetime
{
    /// <summary>How long any single store call may take before the test fails instead of hanging.</summary>
    protected static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private INamespaceStore? _store;

    protected INamespaceStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>Creates the store under test (a fresh one per test).</summary>
    protected abstract Task<INamespaceStore> CreateStoreAsync();

    public virtual async Task InitializeAsync() => _store = await CreateStoreAsync();

    public virtual async Task DisposeAsync()
    {
        switch (_store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    // ---- claim -------------------------------------------------------------------------------------

    [Fact]
    public async Task ClaimCreatesNamespaceAndEachClaimIncrementsEpoch()
    {
        var ns = NewNamespace();

        var first = await Claim(ns);
        var second = await Claim(ns);

        Assert.True(first.Epoch >= 1);
        Assert.Equal(first.Epoch + 1, second.Epoch);
        Assert.Equal(new NamespaceSnapshot(first.Epoch, 0, 0, 0), first);
        Assert.Equal(0, second.Revision);
    }

    [Fact]
    public async Task ClaimReturnsTheCommittedRevisionAndStats()
    {
        var session = await Open();
        await session.Put("k", "value");
        await session.Put("other", "x");

        var snapshot = await Claim(session.Ns);

        Assert.Equal(session.Epoch + 1, snapshot.Epoch);
        Assert.Equal(2, snapshot.Revision);
        Assert.Equal(2, snapshot.KeyCount);
        Assert.Equal(("k" + "value" + "other" + "x").Length, snapshot.TotalBytes);
    }

    [Fact]
    public async Task ClaimingOneNamespaceDoesNotFenceAnother()
    {
        var a = await Open();
        var b = await Open();

        await Claim(b.Ns);

        Assert.Equal(CommitStatus.Committed, await a.TryCommit(EntryMutation.Put(Entry("k", "v", a.NextRevision))));
    }

    // ---- commit and read ---------------------------------------------------------------------------

    [Fact]
    public async Task CommittedEntryReadsBackWithAllFields()
    {
        var session = await Open();
        var value = new byte[] { 0, 1, 2, 254, 255 };
        var written = new StoredEntry("key", value, "application/octet-stream", SHA256.HashData(value), session.NextRevision, 1_000, 2_000, 3_000);

        await session.Commit(EntryMutation.Put(written));
        var read = await Read(session.Ns, "key");

        AssertSameEntry(written, read);
    }

    [Fact]
    public async Task EntryWithoutContentTypeOrTtlAndWithEmptyValueReadsBack()
    {
        var session = await Open();
        var written = new StoredEntry("empty", [], null, SHA256.HashData([]), session.NextRevision, 5, 5, null);

        await session.Commit(EntryMutation.Put(written));

        AssertSameEntry(written, await Read(session.Ns, "empty"));
    }

    [Fact]
    public async Task MissingKeyAndUnclaimedNamespaceReadAsNull()
    {
        var session = await Open();
        await session.Put("present", "v");

        Assert.Null(await Read(session.Ns, "absent"));
        Assert.Null(await Read(NewNamespace(), "present"));
    }

    [Fact]
    public async Task ReadReturnsAnExpiredEntryThatWasNotSweptYet()
    {
        var session = await Open();
        await session.Put("old", "v", expiresAt: 10);

        var read = await Read(session.Ns, "old");

        Assert.NotNull(read);
        Assert.True(read.IsExpiredAt(10));
    }

    [Fact]
    public async Task OverwriteStoresExactlyWhatTheCallerGives()
    {
        var session = await Open();
        await session.Commit(EntryMutation.Put(Entry("k", "first", session.NextRevision, createdAt: 100, updatedAt: 100, expiresAt: 9_000)));
        var second = new StoredEntry("k", Bytes("second"), "text/plain", SHA256.HashData(Bytes("second")), session.NextRevision, 100, 200, null);

        await session.Commit(EntryMutation.Put(second));

        var read = await Read(session.Ns, "k");
        AssertSameEntry(second, read);
        Assert.Equal(100, read!.CreatedAt);
        Assert.Equal(2, read.Version);
    }

    [Fact]
    public async Task DeleteRemovesTheEntryAndDeletingAMissingKeyIsANoOp()
    {
        var session = await Open();
        await session.Put("k", "v");

        await session.Commit(EntryMutation.Delete("k"));
        await session.Commit(EntryMutation.Delete("never-existed"));

        Assert.Null(await Read(session.Ns, "k"));
        var snapshot = await Claim(session.Ns);
        Assert.Equal(3, snapshot.Revision);
        Assert.Equal(0, snapshot.KeyCount);
        Assert.Equal(0, snapshot.TotalBytes);
    }

    [Fact]
    public async Task CommitWithoutMutationsAdvancesTheRevision()
    {
        var session = await Open();

        await session.Commit();

        Assert.Equal(1, (await Claim(session.Ns)).Revision);
    }

    [Fact]
    public async Task StatsFollowPutsOverwritesAndDeletes()
    {
        var session = await Open();
        await session.Put("a", "12345");        // 1 + 5
        await session.Put("é", "xy");           // 2 (UTF-8) + 2
        await session.Put("😀", "");            // 4 + 0
        await session.Put("a", "123");          // overwrite: 1 + 3
        await session.Commit(EntryMutation.Delete("é"), EntryMutation.Delete("missing"));

        var snapshot = await Claim(session.Ns);

        Assert.Equal(2, snapshot.KeyCount);
        Assert.Equal(1 + 3 + 4 + 0, snapshot.TotalBytes);
    }

    [Fact]
    public async Task BatchAppliesEveryMutationInOrderAtomically()
    {
        var session = await Open();
        await session.Put("b", "old-b");
        var revision = session.NextRevision;

        await session.Commit(
            EntryMutation.Put(Entry("a", "a1", revision)),
            EntryMutation.Put(Entry("c", "c1", revision)),
            EntryMutation.Put(Entry("a", "a2", revision)),
            EntryMutation.Delete("b"),
            EntryMutation.Delete("c"),
            EntryMutation.Put(Entry("c", "c2", revision)));

        Assert.Equal("a2", Text(await Read(session.Ns, "a")));
        Assert.Null(await Read(session.Ns, "b"));
        Assert.Equal("c2", Text(await Read(session.Ns, "c")));
        var snapshot = await Claim(session.Ns);
        Assert.Equal(2, snapshot.Revision);
        Assert.Equal(2, snapshot.KeyCount);
        Assert.Equal(("a" + "a2" + "c" + "c2").Length, snapshot.TotalBytes);
    }

    // ---- fencing -----------------------------------------------------------------------------------

    [Fact]
    public async Task StaleEpochIsFencedAndAppliesNothing()
    {
        var stale = await Open();
        await stale.Put("k", "kept");
        var current = await Open(stale.Ns);

        var status = await stale.TryCommit(
            EntryMutation.Put(Entry("k", "overwritten", stale.NextRevision)),
            EntryMutation.Put(Entry("new", "v", stale.NextRevision)),
            EntryMutation.Delete("k"));

        Assert.Equal(CommitStatus.Fenced, status);
        Assert.Equal("kept", Text(await Read(stale.Ns, "k")));
        Assert.Null(await Read(stale.Ns, "new"));
        Assert.Equal(1, current.Revision);
        await current.Put("new", "from-new-owner");
        var snapshot = await Claim(stale.Ns);
        Assert.Equal(2, snapshot.Revision);
        Assert.Equal(2, snapshot.KeyCount);
    }

    [Fact]
    public async Task WrongExpectedRevisionIsFencedAndAppliesNothing()
    {
        var session = await Open();
        await session.Put("k", "kept");

        foreach (var expected in new long[] { 0, 2, 7 })
        {
            var batch = new CommitBatch(session.Epoch, expected, expected + 1,
                [EntryMutation.Put(Entry("k", "lost", expected + 1)), EntryMutation.Put(Entry("x", "lost", expected + 1))]);
            Assert.Equal(CommitStatus.Fenced, await Store.CommitAsync(session.Ns, batch, default).AsTask().WaitAsync(CallTimeout));
        }

        Assert.Equal("kept", Text(await Read(session.Ns, "k")));
        Assert.Null(await Read(session.Ns, "x"));
        await session.Put("after", "v");
        var snapshot = await Claim(session.Ns);
        Assert.Equal(2, snapshot.Revision);
        Assert.Equal(2, snapshot.KeyCount);
    }

    [Fact]
    public async Task CommitToAnUnclaimedNamespaceIsFenced()
    {
        var ns = NewNamespace();
        var batch = new CommitBatch(1, 0, 1, [EntryMutation.Put(Entry("k", "v", 1))]);

        Assert.Equal(CommitStatus.Fenced, await Store.CommitAsync(ns, batch, default).AsTask().WaitAsync(CallTimeout));

        Assert.Null(await Read(ns, "k"));
    }

    [Fact]
    public async Task ConcurrentCommitsToManyNamespacesAllLand()
    {
        const int Namespaces = 64;
        const int CommitsEach = 8;
        var sessions = await Task.WhenAll(Enumerable.Range(0, Namespaces).Select(_ => Open()));

        await Task.WhenAll(sessions.Select(async session =>
        {
            for (var i = 0; i < CommitsEach; i++)
            {
                await session.Put($"key-{i}", $"{session.Ns}/{i}");
            }
        }));

        foreach (var session in sessions)
        {
            var snapshot = await Claim(session.Ns);
            Assert.Equal(CommitsEach, snapshot.Revision);
            Assert.Equal(CommitsEach, snapshot.KeyCount);
            Assert.Equal($"{session.Ns}/{CommitsEach - 1}", Text(await Read(session.Ns, $"key-{CommitsEach - 1}")));
        }
    }

    // ---- listing -----------------------------------------------------------------------------------

    [Fact]
    public async Task ListingIsInUtf8ByteOrder()
    {
        string[] byteOrder = ["a", "ab", "b", "é", "\uE000", "\uFF21", "😀"];
        // UTF-16 ordinal order differs (the emoji's surrogates sort before U+E000), so this test means something.
        Assert.NotEqual(byteOrder, byteOrder.Order(StringComparer.Ordinal));
        var session = await Open();
        await session.Commit(byteOrder.Reverse().Select(k => EntryMutation.Put(Entry(k, "v", session.NextRevision))).ToArray());

        var listed = await List(session.Ns, "", null, 100);

        Assert.Equal(byteOrder, listed.Select(e => e.Key));
    }

    [Fact]
    public async Task ListingByPrefixReturnsOnlyKeysStartingWithIt()
    {
        var session = await Open();
        string[] keys = ["ap", "app", "app/1", "app/2", "apple", "apq", "b", "é1", "é2", "ê", "😀1", "😁"];
        await session.Commit(keys.Select(k => EntryMutation.Put(Entry(k, "v", session.NextRevision))).ToArray());

        Assert.Equal(["app/1", "app/2"], await ListKeys(session.Ns, "app/"));
        Assert.Equal(["app", "app/1", "app/2", "apple"], await ListKeys(session.Ns, "app"));
        Assert.Equal(["é1", "é2"], await ListKeys(session.Ns, "é"));
        Assert.Equal(["😀1"], await ListKeys(session.Ns, "😀"));
        Assert.Empty(await ListKeys(session.Ns, "z"));
        Assert.Equal(keys.Length, (await ListKeys(session.Ns, "")).Count);
    }

    [Fact]
    public async Task ListingPagesWithStartAfterAndLimit()
    {
        var session = await Open();
        var keys = Enumerable.Range(0, 10).Select(i => $"k{i:00}").ToArray();
        await session.Commit(keys.Select(k => EntryMutation.Put(Entry(k, "v", session.NextRevision))).ToArray());
        await session.Put("other", "v");

        var collected = new List<string>();
        string? cursor = null;
        var pages = 0;
        while (true)
        {
            var page = await List(session.Ns, "k", cursor, 3);
            if (page.Count == 0)
            {
                break;
            }

            Assert.True(page.Count <= 3);
            collected.AddRange(page.Select(e => e.Key));
            cursor = page[^1].Key;
            pages++;
        }

        Assert.Equal(keys, collected);
        Assert.Equal(4, pages);
        Assert.Equal(["k05", "k06"], (await List(session.Ns, "k", "k04x", 2)).Select(e => e.Key));
        Assert.Equal(["k00"], (await List(session.Ns, "k", "a", 1)).Select(e => e.Key));
        Assert.Empty(await List(session.Ns, "k", "l", 10));
        Assert.Equal(["other"], (await List(session.Ns, "", "k09", 10)).Select(e => e.Key));
    }

    [Fact]
    public async Task ListingSkipsExpiredEntriesAndCountsOnlyLiveOnesTowardsTheLimit()
    {
        const long Now = 1_000_000;
        var session = await Open();
        await session.Put("a-expired-before", "v", expiresAt: Now - 1);
        await session.Put("b-expired-now", "v", expiresAt: Now);
        await session.Put("c-live-ttl", "v", expiresAt: Now + 1);
        await session.Put("d-expired", "v", expiresAt: 5);
        await session.Put("e-no-ttl", "v");

        Assert.Equal(["c-live-ttl", "e-no-ttl"], (await List(session.Ns, "", null, 10, Now)).Select(e => e.Key));
        Assert.Equal(["c-live-ttl"], (await List(session.Ns, "", null, 1, Now)).Select(e => e.Key));
        Assert.Equal(["e-no-ttl"], (await List(session.Ns, "", "c-live-ttl", 1, Now)).Select(e => e.Key));
        Assert.Equal(5, (await List(session.Ns, "", null, 10, nowUnixMs: 0)).Count);
    }

    [Fact]
    public async Task ListingSummaryCarriesSizeVersionAndExpiry()
    {
        var session = await Open();
        await session.Put("ttl", "12345", expiresAt: 77_000);
        await session.Put("plain", "");

        var listed = await List(session.Ns, "", null, 10);

        Assert.Equal([new EntrySummary("plain", 0, 2, null), new EntrySummary("ttl", 5, 1, 77_000)], listed);
    }

    // ---- expiry ------------------------------------------------------------------------------------

    [Fact]
    public async Task ReadExpiredReturnsEarliestFirstUpToTheLimit()
    {
        var session = await Open();
        await session.Put("e500", "v", expiresAt: 500);
        await session.Put("e100", "v", expiresAt: 100);
        await session.Put("e300", "v", expiresAt: 300);
        await session.Put("e600", "v", expiresAt: 600);
        await session.Put("e900", "v", expiresAt: 900);
        await session.Put("none", "v");

        var expired = await Store.ReadExpiredAsync(session.Ns, 600, 10, default).AsTask().WaitAsync(CallTimeout);
        var firstTwo = await Store.ReadExpiredAsync(session.Ns, 600, 2, default).AsTask().WaitAsync(CallTimeout);

        Assert.Equal(
            [new ExpiredEntry("e100", 2, 100), new ExpiredEntry("e300", 3, 300), new ExpiredEntry("e500", 1, 500), new ExpiredEntry("e600", 4, 600)],
            expired);
        Assert.Equal(expired.Take(2), firstTwo);
        Assert.Empty(await Store.ReadExpiredAsync(session.Ns, 99, 10, default).AsTask().WaitAsync(CallTimeout));
    }

    [Fact]
    public async Task NextExpiryFollowsWritesAndSweeps()
    {
        var session = await Open();
        Assert.Null(await NextExpiry(session.Ns));
        Assert.Null(await NextExpiry(NewNamespace()));

        await session.Put("none", "v");
        Assert.Null(await NextExpiry(session.Ns));

        await session.Put("e300", "v", expiresAt: 300);
        await session.Put("e100", "v", expiresAt: 100);
        await session.Put("e500", "v", expiresAt: 500);
        Assert.Equal(100, await NextExpiry(session.Ns));

        foreach (var swept in await Store.ReadExpiredAsync(session.Ns, 100, 10, default))
        {
            await session.Commit(EntryMutation.Delete(swept.Key));
        }

        Assert.Equal(300, await NextExpiry(session.Ns));

        await session.Put("e300", "kept without ttl");
        Assert.Equal(500, await NextExpiry(session.Ns));

        await session.Commit(EntryMutation.Delete("e500"));
        Assert.Null(await NextExpiry(session.Ns));
    }

    // ---- size --------------------------------------------------------------------------------------

    [Fact]
    public async Task LargeValueRoundTrips()
    {
        var session = await Open();
        var value = new byte[8 * 1024 * 1024];
        new Random(42).NextBytes(value);
        var written = new StoredEntry("big", value, "application/octet-stream", SHA256.HashData(value), session.NextRevision, 1, 1, null);

        await session.Commit(EntryMutation.Put(written));

        AssertSameEntry(written, await Read(session.Ns, "big"));
        Assert.Equal(value.Length, Assert.Single(await List(session.Ns, "", null, 10)).Size);
        Assert.Equal(3 + value.Length, (await Claim(session.Ns)).TotalBytes);
    }

    [Fact]
    public async Task OverwritesBetweenSmallAndLargeValuesKeepValuesAndStatsExact()
    {
        var session = await Open();
        string[] values = ["small", new string('L', 100_000), new string('M', 300), "s", new string('X', 70_000)];

        foreach (var value in values)
        {
            await session.Put("k", value);
            Assert.Equal(value, Text(await Read(session.Ns, "k")));
        }

        var snapshot = await Claim(session.Ns);
        Assert.Equal(1, snapshot.KeyCount);
        Assert.Equal(1 + 70_000, snapshot.TotalBytes);
        await new Session(Store, session.Ns, snapshot.Epoch, snapshot.Revision).Commit(EntryMutation.Delete("k"));
        Assert.Equal(0, (await Claim(session.Ns)).TotalBytes);
    }

    // ---- isolation ---------------------------------------------------------------------------------

    [Fact]
    public async Task SameKeyInTwoNamespacesIsIndependent()
    {
        var a = await Open();
        var b = await Open();

        await a.Put("shared", "from-a");
        await b.Put("shared", "from-b");
        await b.Commit(EntryMutation.Delete("shared"));

        Assert.Equal("from-a", Text(await Read(a.Ns, "shared")));
        Assert.Null(await Read(b.Ns, "shared"));
        Assert.Equal(1, (await Claim(a.Ns)).KeyCount);
        Assert.Equal(0, (await Claim(b.Ns)).KeyCount);
    }

    [Fact]
    public async Task NamespaceWhoseNameIsAPrefixOfAnotherSeesOnlyItsOwnKeys()
    {
        var shortNs = NewNamespace();
        var a = await Open(shortNs);
        var ab = await Open(shortNs + "b");
        await a.Put("k1", "a", expiresAt: 200);
        await ab.Put("k0", "ab", expiresAt: 100);
        await ab.Put("k2", "ab");

        Assert.Equal(["k1"], await ListKeys(a.Ns, ""));
        Assert.Equal(["k1"], await ListKeys(a.Ns, "k"));
        Assert.Equal(["k0", "k2"], await ListKeys(ab.Ns, ""));
        Assert.Equal(200, await NextExpiry(a.Ns));
        Assert.Equal(["k1"], (await Store.ReadExpiredAsync(a.Ns, 1_000, 10, default)).Select(e => e.Key));
        Assert.Equal(1, (await Claim(a.Ns)).KeyCount);
    }

    [Fact]
    public async Task NamespaceAndKeyDoNotCombineIntoAnotherNamespacesKey()
    {
        var baseNs = NewNamespace();
        var outer = await Open(baseNs);
        var inner = await Open(baseNs + ":x");
        await outer.Put("x:y", "outer");
        await inner.Put("y", "inner");

        Assert.Equal("outer", Text(await Read(baseNs, "x:y")));
        Assert.Equal("inner", Text(await Read(baseNs + ":x", "y")));
        Assert.Null(await Read(baseNs + ":x", "x:y"));
        Assert.Equal(["x:y"], await ListKeys(baseNs, ""));
        Assert.Equal(["y"], await ListKeys(baseNs + ":x", ""));
    }

    [Fact]
    public async Task PingAnswersTrue()
    {
        Assert.True(await Store.PingAsync(default).AsTask().WaitAsync(CallTimeout));
    }

    // ---- helpers -----------------------------------------------------------------------------------

    protected static string NewNamespace() => "ns-" + Guid.NewGuid().ToString("N");

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string? Text(StoredEntry? entry) => entry is null ? null : Encoding.UTF8.GetString(entry.Value);

    /// <summary>An entry as the grain would build it: the SHA-256 of the value, the given times.</summary>
    protected static StoredEntry Entry(string key, string value, long version, long createdAt = 1_000, long updatedAt = 1_000, long? expiresAt = null) =>
        new(key, Bytes(value), "text/plain", SHA256.HashData(Bytes(value)), version, createdAt, updatedAt, expiresAt);

    protected static void AssertSameEntry(StoredEntry expected, StoredEntry? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Key, actual.Key);
        Assert.True(expected.Value.AsSpan().SequenceEqual(actual.Value), "the value bytes differ");
        Assert.Equal(expected.ContentType, actual.ContentType);
        Assert.Equal(expected.Sha256, actual.Sha256);
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
        Assert.Equal(expected.ExpiresAt, actual.ExpiresAt);
    }

    protected Task<NamespaceSnapshot> Claim(string ns) => Store.ClaimAsync(ns, default).AsTask().WaitAsync(CallTimeout);

    /// <summary>Claims <paramref name="ns"/> (a new namespace when null) as a fresh activation would.</summary>
    protected async Task<Session> Open(string? ns = null)
    {
        ns ??= NewNamespace();
        var snapshot = await Claim(ns);
        return new Session(Store, ns, snapshot.Epoch, snapshot.Revision);
    }

    protected Task<StoredEntry?> Read(string ns, string key) => Store.ReadAsync(ns, key, default).AsTask().WaitAsync(CallTimeout);

    protected Task<long?> NextExpiry(string ns) => Store.NextExpiryAsync(ns, default).AsTask().WaitAsync(CallTimeout);

    protected Task<IReadOnlyList<EntrySummary>> List(string ns, string prefix, string? startAfter, int limit, long nowUnixMs = 0) =>
        Store.ListPageAsync(ns, prefix, startAfter, limit, nowUnixMs, default).AsTask().WaitAsync(CallTimeout);

    protected async Task<List<string>> ListKeys(string ns, string prefix) =>
        (await List(ns, prefix, null, 1_000)).Select(e => e.Key).ToList();

    /// <summary>What one activation holds: its epoch and the revision it last committed.</summary>
    protected sealed class Session(INamespaceStore store, string ns, long epoch, long revision)
    {
        public string Ns => ns;

        public long Epoch => epoch;

        public long Revision { get; private set; } = revision;

        /// <summary>The revision (and so the entry version) the next commit will write.</summary>
        public long NextRevision => Revision + 1;

        public async Task<CommitStatus> TryCommit(params EntryMutation[] mutations)
        {
            var batch = new CommitBatch(epoch, Revision, Revision + 1, mutations);
            var status = await store.CommitAsync(ns, batch, default).AsTask().WaitAsync(CallTimeout);
            if (status == CommitStatus.Committed)
            {
                Revision++;
            }

            return status;
        }

        public async Task Commit(params EntryMutation[] mutations) =>
            Assert.Equal(CommitStatus.Committed, await TryCommit(mutations));

        public Task Put(string key, string value, long? expiresAt = null) =>
            Commit(EntryMutation.Put(Entry(key, value, NextRevision, expiresAt: expiresAt)));
    }
}
