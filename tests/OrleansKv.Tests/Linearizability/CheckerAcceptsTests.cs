namespace OrleansKv.Tests.Linearizability;

/// <summary>Histories a linearizable register can produce: the checker must accept each one.</summary>
public sealed class CheckerAcceptsTests
{
    [Theory]
    [InlineData("a", "b")]
    [InlineData("b", "a")]
    public void ConcurrentWritesMayTakeEffectInEitherOrder(string first, string last)
    {
        var h = new HistoryBuilder();
        h.Put(1, "a", 0, 50, created: null);
        h.Put(2, "b", 5, 55, created: null);
        h.Read(3, 10, 20, first);
        h.Read(3, 30, 40, last);
        h.Read(4, 60, 70, last);

        AssertAccepted(h);
    }

    [Fact]
    public void ConcurrentCreatesAgreeOnWhichOneCreated()
    {
        var h = new HistoryBuilder();
        h.Put(1, "a", 0, 50, created: false, "\"2\"");
        h.Put(2, "b", 5, 55, created: true, "\"1\"");
        h.Read(3, 60, 70, "a", "\"2\"");

        AssertAccepted(h);
    }

    [Fact]
    public void UnknownWriteMayHaveApplied()
    {
        var h = new HistoryBuilder();
        h.Put(1, "a", 0, 10, created: true, "\"1\"");
        h.PutUnknown(1, "b", 20);
        h.Read(2, 30, 40, "a", "\"1\"");
        h.Read(2, 50, 60, "b", "\"2\"");
        h.PutIfMatch(3, "\"2\"", "c", 70, 80, Outcome.Written(false, "\"3\""));

        AssertAccepted(h);
    }

    [Fact]
    public void UnknownWriteMayNotHaveApplied()
    {
        var h = new HistoryBuilder();
        h.Put(1, "a", 0, 10, created: true, "\"1\"");
        h.PutUnknown(1, "b", 20);
        h.Read(2, 30, 40, "a", "\"1\"");
        h.Read(2, 500, 600, "a", "\"1\"");
        h.PutIfMatch(3, "\"1\"", "c", 700, 800, Outcome.Written(false, "\"3\""));

        AssertAccepted(h);
    }

    [Fact]
    public void UnknownConditionalWriteAppliesOnlyWhereItsConditionHolds()
    {
        var h = new HistoryBuilder();
        h.Put(1, "a", 0, 10, created: true, "\"1\"");
        h.PutIfMatch(2, "\"1\"", "b", 20, null, Outcome.Unknown("timeout"));
        h.Read(3, 30, 40, "b", "\"2\"");
        h.DeleteIfMatch(1, "\"2\"", 50, 60, Outcome.Deleted());
        h.ReadAbsent(3, 70, 80);

        AssertAccepted(h);
    }

    [Theory]
    [InlineData("old")]
    [InlineData("new")]
    public void ReadConcurrentWithAWriteMaySeeTheOldOrTheNewValue(string seen)
    {
        var h = new HistoryBuilder();
        h.Put(1, "old", 0, 10, created: true, "\"1\"");
        h.Put(1, "new", 20, 60, created: false, "\"2\"");
        h.Read(2, 30, 40, seen, seen == "old" ? "\"1\"" : "\"2\"");
        h.Read(2, 70, 80, "new", "\"2\"");

        AssertAccepted(h);
    }

    [Fact]
    public void PreconditionFailureAfterTheWriteItDependsOnCompletedIsFine()
    {
        var h = new HistoryBuilder();
        h.Put(1, "old", 0, 10, created: true, "\"1\"");
        h.Read(2, 12, 15, "old", "\"1\"");
        h.Put(1, "X", 20, 40, created: false, "\"2\"");
        h.PutIfMatch(3, "\"1\"", "y", 50, 60, Outcome.PreconditionFailed());
        h.Read(4, 70, 80, "X", "\"2\"");

        AssertAccepted(h);
    }

    [Fact]
    public void PreconditionFailureMayBeDecidedAgainstAConcurrentWrite()
    {
        var h = new HistoryBuilder();
        h.Put(1, "old", 0, 10, created: true, "\"1\"");
        h.Put(1, "X", 20, 100, created: false, "\"2\"");
        h.PutIfMatch(3, "\"1\"", "y", 30, 40, Outcome.PreconditionFailed());
        h.Read(4, 50, 60, "X", "\"2\"");

        AssertAccepted(h);
    }

    [Fact]
    public void DeletesAndConditionalWritesFollowTheRegister()
    {
        var h = new HistoryBuilder();
        h.Delete(1, 0, 5, Outcome.NotFound());
        h.PutIfNoneMatch(1, "a", 10, 20, Outcome.Written(true, "\"1\""));
        h.PutIfNoneMatch(2, "b", 25, 30, Outcome.PreconditionFailed());
        h.DeleteIfMatch(2, "\"9\"", 31, 35, Outcome.PreconditionFailed());
        h.Delete(1, 40, 50, Outcome.Deleted());
        h.DeleteIfMatch(2, "\"1\"", 55, 60, Outcome.PreconditionFailed());
        h.Delete(3, 61, 62, Outcome.Deleted(existed: null));
        h.Put(3, "c", 70, 80, created: true, "\"3\"");
        h.ReadAbsent(4, 75, 78);

        AssertAccepted(h);
    }

    private static void AssertAccepted(HistoryBuilder h)
    {
        var verdict = h.Check();
        Assert.True(verdict.IsLinearizable, verdict.ToString());
    }
}
