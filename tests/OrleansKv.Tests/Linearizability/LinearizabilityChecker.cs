using System.Diagnostics;

namespace OrleansKv.Tests.Linearizability;

/// <summary>
/// Checks a recorded history key by key against the register model. A key whose history is not linearizable gets a
/// report of the smallest failing window: the first operation (in invocation order) at which its history stops
/// being linearizable, the operations overlapping it, and the ones just before it.
/// </summary>
public static class LinearizabilityChecker
{
    public static HistoryVerdict Check(IEnumerable<Operation> history, SearchBudget? budget = null)
    {
        var keys = history.GroupBy(o => o.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
        return new HistoryVerdict([.. keys.Select(g => CheckKey(g.Key, g, budget ?? SearchBudget.Default))]);
    }

    public static KeyVerdict CheckKey(string key, IEnumerable<Operation> ops, SearchBudget budget)
    {
        var clock = Stopwatch.StartNew();
        var history = new KeyHistory(key, ops);
        var n = history.Ops.Count;
        var full = history.Search(n, budget);
        if (full.Result == SearchResult.Linearizable)
        {
            return history.Writes.Anomalies.Count == 0
                ? new KeyVerdict(key, Verdict.Linearizable, n, full.Steps, clock.Elapsed, null, null)
                : new KeyVerdict(key, Verdict.Violation, n, full.Steps, clock.Elapsed, null, ViolationReport.Format(history, null));
        }

        var locator = new ViolationLocator(history, budget);
        var site = locator.Locate(full);
        var steps = full.Steps + locator.Steps;
        if (site is null)
        {
            return history.Writes.Anomalies.Count == 0
                ? new KeyVerdict(key, Verdict.Inconclusive, n, steps, clock.Elapsed, null, null)
                : new KeyVerdict(key, Verdict.Violation, n, steps, clock.Elapsed, null, ViolationReport.Format(history, null));
        }

        var culprit = history.Ops[site.Culprit];
        return new KeyVerdict(key, Verdict.Violation, n, steps, clock.Elapsed, culprit, ViolationReport.Format(history, site));
    }
}
