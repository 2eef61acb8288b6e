namespace OrleansKv.Tests.Linearizability;

/// <summary>Where a key's history stops being linearizable.</summary>
/// <param name="Culprit">Position (invocation order) of the first operation at which it stops.</param>
/// <param name="WindowStart">Position of the first operation of the smallest window ending at the culprit that fails on its own, if one was found.</param>
/// <param name="Exact">False when the search budget ran out while narrowing down, so an earlier operation may be to blame.</param>
internal sealed record ViolationSite(int Culprit, int? WindowStart, bool Exact);

/// <summary>
/// Finds the first operation, in invocation order, at which a key's history stops being linearizable: the smallest
/// k for which the prefix of k operations (later ones optional) fails. Refuting a long prefix means exhausting every
/// order of everything before it, so the locator first looks at a window ending where the failed search got stuck:
/// a window that fails from every starting state proves the prefix ending with it fails. One search of the prefix
/// just before the culprit then confirms that nothing earlier failed already; only if that is not so does it bisect
/// the prefixes of the whole history.
/// </summary>
/// <remarks>All its searches together get one <see cref="SearchBudget"/>; when it runs out, the site found so far is
/// reported as approximate.</remarks>
internal sealed class ViolationLocator(KeyHistory history, SearchBudget budget)
{
    private static readonly int[] WindowSizes = [64, 256, 1024];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Search steps spent locating.</summary>
    public long Steps { get; private set; }

    /// <summary>The violation site, or null when the budget ran out before one could be shown.</summary>
    public ViolationSite? Locate(SearchOutcome full)
    {
        var n = history.Ops.Count;
        var end = full.Frontier == long.MinValue ? n : Math.Min(n, history.InvokedBy(full.Frontier));
        foreach (var size in WindowSizes)
        {
            var from = Math.Max(0, end - size);
            if (WindowFails(from, end) == true)
            {
                return FromWindow(from, end);
            }

            if (from == 0)
            {
                break;
            }
        }

        return full.Result == SearchResult.NotLinearizable ? FromPrefix(n) : null;
    }

    private ViolationSite FromWindow(int from, int end)
    {
        // The shortest failing window from `from`, then the latest start from which it still fails.
        var (_, to, exact) = Bisect(from, end, k => WindowFails(from, k));
        var start = from;
        if (exact)
        {
            (start, _, _) = Bisect(from, to, f => WindowFails(f, to) switch { true => false, false => true, null => null });
        }

        // Confirm that the prefix before the culprit is linearizable; if not, the true first failure is earlier.
        var before = Search(0, to - 1, [RegisterModel.Absent]);
        return before switch
        {
            SearchResult.Linearizable => new ViolationSite(to - 1, start, exact),
            SearchResult.NotLinearizable => FromPrefix(to - 1),
            _ => new ViolationSite(to - 1, start, Exact: false),
        };
    }

    /// <summary>The shortest failing prefix, given that the one of length <paramref name="failing"/> fails.</summary>
    private ViolationSite FromPrefix(int failing)
    {
        var (_, bad, exact) = Bisect(0, failing, k => Search(0, k, [RegisterModel.Absent]) switch
        {
            SearchResult.NotLinearizable => true,
            SearchResult.Linearizable => false,
            _ => null,
        });
        return new ViolationSite(bad - 1, null, exact);
    }

    /// <summary>
    /// Narrows <c>(good, bad]</c> down to adjacent points, for a predicate monotone from false (at good) to true (at
    /// bad); stops early, not exact, when the predicate cannot tell (null).
    /// </summary>
    private static (int Good, int Bad, bool Exact) Bisect(int good, int bad, Func<int, bool?> isBad)
    {
        while (bad - good > 1)
        {
            var mid = good + ((bad - good) / 2);
            switch (isBad(mid))
            {
                case true:
                    bad = mid;
                    break;
                case false:
                    good = mid;
                    break;
                default:
                    return (good, bad, false);
            }
        }

        return (good, bad, true);
    }

    /// <summary>True when window <c>[from, to)</c> fails from every starting state; null when the search ran out of budget.</summary>
    private bool? WindowFails(int from, int to) => Search(from, to, history.StartingStates(from, to)) switch
    {
        SearchResult.NotLinearizable => true,
        SearchResult.Linearizable => false,
        _ => null,
    };

    private SearchResult Search(int from, int to, IEnumerable<int> states)
    {
        var left = budget with { MaxSteps = Math.Max(0, budget.MaxSteps - Steps), MaxTime = budget.MaxTime - _clock.Elapsed };
        var outcome = history.Search(from, to, states, left);
        Steps += outcome.Steps;
        return outcome.Result;
    }
}
