namespace OrleansKv.Tests.Linearizability;

/// <summary>Histories no linearizable register could produce: the checker must reject each one.</summary>
public sealed class CheckerRejectsTests
{
    [Fact]
    public void ReadThatStartsAfterAWriteCompletedCannotReturnTheOlderValue()
    {
        var h = new HistoryBuilder();
        h.Put(1, "a", 0, 10, created: true, "\"1\"");
        h.Put(1, "b", 20, 30, created: false, "\"2\"");
        var stale = h.Read(2, 40, 50, "a", "\"1\"");

        AssertRejectedAt(h, stale);
    }

    [Fact]
    public void AcknowledgedWriteCannotBeLost()
    {
        var h = new HistoryBuilder();
        h.Put(1, "a", 0, 10, created: true, "\"1\"");
        h.Read(2, 15, 18, "a", "\"1\"");
        var lost = h.ReadAbsent(2, 20, 30);

        AssertRejectedAt(h, lost);
    }

    [Fact]
    public void IfMatchCannotSucceedAgainstAnOlderVersionAfterANewerWriteCompleted()
    {
        var h = new HistoryBuilder();
        h.Put(1, "a", 0, 10, created: true, "\"1\"");
        h.Put(1, "b", 20, 30, created: false, "\"2\"");
        var cas = h.PutIfMatch(2, "\"1\"", "c", 40, 50, Outcome.Written(false, "\"3\""));

        AssertRejectedAt(h, cas);
    }

    /// <summary>
    /// The shape the grain produced: a plain PUT of X is in flight; a PUT If-Match the old ETag is answered 412
    /// (decided against X before X was durable); GETs that start after the 412 arrived still return the old value
    /// with the old ETag; only later is the PUT of X answered 200.
    /// </summary>
    [Fact]
    public void PreconditionFailureCannotBeAnsweredWhileLaterReadsStillSeeTheVersionItDependedOn()
    {
        var h = new HistoryBuilder();
        h.Put(1, "old", 0, 10, created: true, "\"1\"");
        h.Read(2, 12, 15, "old", "\"1\"");
        h.Put(1, "X", 20, 100, created: false, "\"2\"");
        h.PutIfMatch(3, "\"1\"", "y", 30, 40, Outcome.PreconditionFailed());
        var firstStale = h.Read(4, 50, 60, "old", "\"1\"");
        h.Read(2, 70, 80, "old", "\"1\"");

        AssertRejectedAt(h, firstStale);
    }

    [Fact]
    public void ReadCannotReturnAValueNoOneWrote()
    {
        var h = new HistoryBuilder();
        h.Put(1, "a", 0, 10, created: true, "\"1\"");
        var phantom = h.Read(2, 20, 30, "ghost", "\"9\"");

        AssertRejectedAt(h, phantom);
    }

    [Fact]
    public void CreatedCannotBeAnsweredForAKeyThatDefinitelyExisted()
    {
        var h = new HistoryBuilder();
        h.Put(1, "a", 0, 10, created: true, "\"1\"");
        var second = h.Put(2, "b", 20, 30, created: true, "\"2\"");

        AssertRejectedAt(h, second);
    }

    [Fact]
    public void DeleteCannotBeAnsweredNotFoundWhileTheKeyDefinitelyExisted()
    {
        var h = new HistoryBuilder();
        h.Put(1, "a", 0, 10, created: true, "\"1\"");
        var delete = h.Delete(2, 20, 30, Outcome.NotFound());

        AssertRejectedAt(h, delete);
    }

    [Fact]
    public void IfNoneMatchCannotCreateAKeyThatDefinitelyExisted()
    {
        var h = new HistoryBuilder();
        h.Put(1, "a", 0, 10, created: true, "\"1\"");
        var create = h.PutIfNoneMatch(2, "b", 20, 30, Outcome.Written(true, "\"2\""));

        AssertRejectedAt(h, create);
    }

    [Fact]
    public void OneValueCannotCarryTwoETags()
    {
        var h = new HistoryBuilder();
        h.Put(1, "a", 0, 10, created: true, "\"1\"");
        h.Read(2, 20, 30, "a", "\"7\"");

        var verdict = Assert.Single(h.Check().Keys);
        Assert.Equal(Verdict.Violation, verdict.Verdict);
        Assert.Contains("ETag anomaly", verdict.Report, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysAreJudgedIndependently()
    {
        var h = new HistoryBuilder();
        h.Put(1, "a", 0, 10, created: true, "\"1\"", key: "good");
        h.Read(2, 20, 30, "a", "\"1\"", key: "good");
        h.Put(1, "b", 0, 10, created: true, "\"2\"", key: "bad");
        h.ReadAbsent(2, 20, 30, key: "bad");

        var verdict = h.Check();
        Assert.Equal(Verdict.Linearizable, verdict.Keys.Single(k => k.Key == "good").Verdict);
        Assert.Equal(Verdict.Violation, verdict.Keys.Single(k => k.Key == "bad").Verdict);
    }

    private static void AssertRejectedAt(HistoryBuilder h, Operation culprit)
    {
        var verdict = Assert.Single(h.Check().Keys);
        Assert.True(verdict.Verdict == Verdict.Violation, verdict.ToString());
        Assert.Equal(culprit.Id, verdict.Culprit?.Id);
    }
}
