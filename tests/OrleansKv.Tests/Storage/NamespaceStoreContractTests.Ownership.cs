using OrleansKv.Grains.Storage;

namespace OrleansKv.Tests.Storage;

/// <summary>Ownership scenarios: epochs a new claim supersedes, released claims, and the counts a commit reports.</summary>
public abstract partial class NamespaceStoreContractTests
{
    [Fact]
    public async Task AClaimAfterAnUnreleasedClaimReportsThePreviousHolderActive()
    {
        var first = await Open();

        var second = await Claim(first.Ns);

        Assert.True(second.PreviousHolderActive);
    }

    [Fact]
    public async Task AClaimAfterAReleasedClaimReportsNoActivePreviousHolder()
    {
        var first = await Open();
        await Store.ReleaseAsync(first.Ns, first.Epoch, default).AsTask().WaitAsync(CallTimeout);

        var second = await Claim(first.Ns);

        Assert.False(second.PreviousHolderActive);
        Assert.Equal(first.Epoch + 1, second.Epoch);
    }

    [Fact]
    public async Task ReleasingASupersededEpochDoesNotReleaseTheNewerClaim()
    {
        var first = await Open();
        var second = await Claim(first.Ns);
        await Store.ReleaseAsync(first.Ns, first.Epoch, default).AsTask().WaitAsync(CallTimeout);

        var third = await Claim(first.Ns);

        Assert.True(third.PreviousHolderActive);
        Assert.Equal(second.Epoch + 1, third.Epoch);
    }

    [Fact]
    public async Task AnEpochIsCurrentUntilTheNextClaim()
    {
        var first = await Open();
        Assert.True(await IsCurrent(first.Ns, first.Epoch));

        var second = await Claim(first.Ns);

        Assert.False(await IsCurrent(first.Ns, first.Epoch));
        Assert.True(await IsCurrent(first.Ns, second.Epoch));
        Assert.False(await IsCurrent(NewNamespace(), 1));
    }

    [Fact]
    public async Task ReleasingKeepsTheEpochCurrentAndCommitsStillApply()
    {
        var session = await Open();
        await Store.ReleaseAsync(session.Ns, session.Epoch, default).AsTask().WaitAsync(CallTimeout);

        Assert.True(await IsCurrent(session.Ns, session.Epoch));
        await session.Put("k", "v");
        Assert.Equal("v", Text(await Read(session.Ns, "k")));
    }

    [Fact]
    public async Task ACommitReportsTheNamespaceCountsRightAfterIt()
    {
        var session = await Open();
        var ns = session.Ns;

        var put = await Store.CommitAsync(ns, new CommitBatch(session.Epoch, 0, 1, [EntryMutation.Put(Entry("ab", "xyz", 1)), EntryMutation.Put(Entry("c", "", 1))]), default)
            .AsTask().WaitAsync(CallTimeout);
        var overwrite = await Store.CommitAsync(ns, new CommitBatch(session.Epoch, 1, 2, [EntryMutation.Put(Entry("ab", "x", 2))]), default)
            .AsTask().WaitAsync(CallTimeout);
        var delete = await Store.CommitAsync(ns, new CommitBatch(session.Epoch, 2, 3, [EntryMutation.Delete("c"), EntryMutation.Delete("missing")]), default)
            .AsTask().WaitAsync(CallTimeout);
        var empty = await Store.CommitAsync(ns, new CommitBatch(session.Epoch, 3, 4, []), default).AsTask().WaitAsync(CallTimeout);

        Assert.Equal((CommitStatus.Committed, 2L, 2L + 3 + 1, 2L, 3L), Counts(put));
        Assert.Equal((CommitStatus.Committed, 2L, 2L + 1 + 1, 2L, 1L), Counts(overwrite));
        Assert.Equal((CommitStatus.Committed, 1L, 2L + 1, 1L, 1L), Counts(delete));
        Assert.Equal((CommitStatus.Committed, 1L, 3L, 1L, 1L), Counts(empty));
        var snapshot = await Claim(ns);
        Assert.Equal((1L, 3L), (snapshot.KeyCount, snapshot.TotalBytes));
    }

    private static (CommitStatus, long, long, long, long) Counts(CommitResult r) => (r.Status, r.KeyCount, r.TotalBytes, r.Objects, r.StoredBytes);

    private Task<bool> IsCurrent(string ns, long epoch) => Store.IsCurrentEpochAsync(ns, epoch, default).AsTask().WaitAsync(CallTimeout);
}
