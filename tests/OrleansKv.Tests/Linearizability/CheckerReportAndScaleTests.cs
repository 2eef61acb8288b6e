using System.Diagnostics;
using Xunit.Abstractions;

namespace OrleansKv.Tests.Linearizability;

/// <summary>The checker's report names the offending operation, and the search copes with real-sized histories.</summary>
public sealed class CheckerReportAndScaleTests
{
    private readonly ITestOutputHelper _output;

    public CheckerReportAndScaleTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void ReportShowsTheOffendingOperationWithTheOnesOverlappingAndBeforeIt()
    {
        var h = new HistoryBuilder();
        h.Put(1, "old", 0, 10, created: true, "\"1\"");
        var inFlight = h.Put(1, "X", 20, 100, created: false, "\"2\"");
        var refused = h.PutIfMatch(3, "\"1\"", "y", 30, 40, Outcome.PreconditionFailed());
        var stale = h.Read(4, 50, 60, "old", "\"1\"");

        var verdict = Assert.Single(h.Check().Keys);
        var report = verdict.Report!;
        _output.WriteLine(report);
        Assert.Equal(stale.Id, verdict.Culprit?.Id);
        Assert.Contains($">> #{stale.Id} ", report, StringComparison.Ordinal);
        Assert.Contains($"~  #{inFlight.Id} ", report, StringComparison.Ordinal);
        Assert.Contains($"#{refused.Id} ", report, StringComparison.Ordinal);
        Assert.Contains("If-Match \"1\"", report, StringComparison.Ordinal);
        Assert.Contains("client 4", report, StringComparison.Ordinal);
        Assert.Contains("50.000", report, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3_000, 6)]
    [InlineData(10_000, 6)]
    public void LinearizableHistoryOfThousandsOfOperationsIsAcceptedInSeconds(int operations, int clients)
    {
        var history = SimulatedHistory.Generate(operations, clients, seed: operations);
        var clock = Stopwatch.StartNew();
        var verdict = LinearizabilityChecker.Check(history);
        _output.WriteLine($"{verdict} in {clock.ElapsedMilliseconds} ms");

        Assert.True(verdict.IsLinearizable, verdict.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void CorruptedReadInALongHistoryIsFoundExactly()
    {
        var history = SimulatedHistory.Generate(3_000, 6, seed: 7);
        var index = history.FindIndex(2_000, o => o.Kind == OpKind.Read && !o.IsUnknown);
        var bad = history[index] with { Outcome = Outcome.Found("never-written", "\"999999\"") };
        history[index] = bad;

        var clock = Stopwatch.StartNew();
        var verdict = Assert.Single(LinearizabilityChecker.Check(history).Keys);
        _output.WriteLine($"{verdict} in {clock.ElapsedMilliseconds} ms");
        _output.WriteLine(verdict.Report);

        Assert.Equal(Verdict.Violation, verdict.Verdict);
        Assert.Equal(bad.Id, verdict.Culprit?.Id);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void ExhaustedBudgetIsReportedAsInconclusive()
    {
        var history = SimulatedHistory.Generate(2_000, 6, seed: 3);
        var verdict = Assert.Single(LinearizabilityChecker.Check(history, new SearchBudget(100, TimeSpan.FromSeconds(10), 1L << 30)).Keys);

        Assert.Equal(Verdict.Inconclusive, verdict.Verdict);
    }
}
