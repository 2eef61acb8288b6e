using System.Text;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="INamespaceStore"/> backend must show. A backend's test class derives from
/// this and overrides <see cref="CreateStoreAsync"/>; every scenario below then runs against it. Each test
/// works in namespaces of its own (<see cref="NewNamespace"/>), so backends may share one server.
/// </summary>
public abstract partial class NamespaceStoreContractTests : IAsyncLifetime
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
        var written = new StoredEntry("key", value, "application/octet-stream", ContentHash.Compute(value), session.NextRevision, 1_000, 2_000, 3_000);

        await session.Commit(EntryMutation.Put(written));
        var read = await Read(session.Ns, "key");

        AssertSameEntry(written, read);
    }

    [Fact]
    public async Task EntryWithoutContentTypeOrTtlAndWithEmptyValueReadsBack()
    {
        var session = await Open();
        var written = new StoredEntry("empty", [], null, ContentHash.Compute([]), session.NextRevision, 5, 5, null);

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
        var second = new StoredEntry("k", Bytes("second"), "text/plain", ContentHash.Compute(Bytes("second")), session.NextRevision, 100, 200, null);

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
            Assert.Equal(CommitStatus.Fenced, (await Store.CommitAsync(session.Ns, batch, default).AsTask().WaitAsync(CallTimeout)).Status);
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

        Assert.Equal(CommitStatus.Fenced, (await Store.CommitAsync(ns, batch, default).AsTask().WaitAsync(CallTimeout)).Status);

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

    // ---- size --------------------------------------------------------------------------------------

    [Fact]
    public async Task LargeValueRoundTrips()
    {
        var session = await Open();
        var value = new byte[8 * 1024 * 1024];
        new Random(42).NextBytes(value);
        var written = new StoredEntry("big", value, "application/octet-stream", ContentHash.Compute(value), session.NextRevision, 1, 1, null);

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

    [Fact]
    public async Task PingAnswersTrue()
    {
        Assert.True(await Store.PingAsync(default).AsTask().WaitAsync(CallTimeout));
    }
}
