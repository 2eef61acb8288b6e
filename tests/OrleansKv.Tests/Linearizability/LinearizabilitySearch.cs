using System.Diagnostics;

namespace OrleansKv.Tests.Linearizability;

/// <summary>The answer of one search.</summary>
internal enum SearchResult
{
    Linearizable,
    NotLinearizable,

    /// <summary>The step, memory or time budget ran out first.</summary>
    Inconclusive,
}

/// <summary>Limits of one search, so a pathological history reports "inconclusive" instead of hanging.</summary>
/// <param name="MaxSteps">Steps (attempts to linearize or backtrack) before giving up.</param>
/// <param name="MaxTime">Wall-clock time before giving up.</param>
/// <param name="MaxCacheBytes">Memory the memo of visited configurations may take.</param>
public sealed record SearchBudget(long MaxSteps, TimeSpan MaxTime, long MaxCacheBytes)
{
    /// <summary>Per key: this much for the search, and as much again for locating a violation.</summary>
    public static SearchBudget Default { get; } = new(20_000_000, TimeSpan.FromSeconds(5), 512L << 20);
}

/// <summary>What a search found, how long it took, and how far it got: the latest return it could not get past.</summary>
internal readonly record struct SearchOutcome(SearchResult Result, long Steps, long Frontier);

/// <summary>
/// Wing and Gong's linearizability search with Lowe's memoisation, in the shape Porcupine uses: walk the list of
/// call and return entries; at a call, try to linearize that operation now (the model accepts its answer in the
/// current state) and restart from the first entry; at a return, the operation it closes was not linearized in
/// time, so backtrack to the last choice. A configuration (linearized operations, model state) seen before is not
/// explored again.
/// </summary>
/// <remarks>
/// Unknown operations never return: they may be linearized anywhere after their call, or never. They live in a list
/// of their own, and four refinements keep them from multiplying the search: within each window (the calls before
/// the first pending return) the definite calls are tried before the unknown ones; an unknown operation that would
/// change nothing is not tried; unknown operations with the same effect (two deletes, two puts of never-observed values)
/// are interchangeable once both are called, so only the earliest pending one of each kind is tried; and a
/// configuration is skipped when one with the same definite operations and state but a subset of its unknown
/// operations linearized was seen (that one can do everything this one can, and more). The search succeeds as soon
/// as every definite operation is linearized. Several starting states share one memo, so a history searched from
/// each state the key may be in explores what they have in common once.
/// </remarks>
internal sealed class LinearizabilitySearch
{
    private readonly ModelOp[] _ops;
    private readonly long[] _invoke;
    private readonly long[] _complete;
    private readonly EntryList _entries;
    private readonly EntryList _unknownCalls;
    private readonly int[] _unknownIndex;
    private readonly int[] _classOf;
    private readonly int[][] _classMembers;
    private readonly int[] _classNext;
    private readonly ConfigurationMemo _memo;
    private readonly int _definiteCount;

    /// <param name="ops">The operations in invocation order.</param>
    private LinearizabilitySearch(ModelOp[] ops, long[] invoke, long[] complete)
    {
        _ops = ops;
        _invoke = invoke;
        _complete = complete;
        var all = Enumerable.Range(0, ops.Length);
        _entries = new EntryList([.. all.Where(i => ops[i].Outcome != OutcomeKind.Unknown)], invoke, complete);
        _unknownCalls = new EntryList([.. all.Where(i => ops[i].Outcome == OutcomeKind.Unknown)], invoke, null);
        _unknownIndex = new int[ops.Length];
        _classOf = new int[ops.Length];
        var unknowns = 0;
        var classes = new Dictionary<(OpKind, int, int), List<int>>();
        for (var i = 0; i < ops.Length; i++)
        {
            _unknownIndex[i] = _classOf[i] = -1;
            if (ops[i].Outcome != OutcomeKind.Unknown)
            {
                continue;
            }

            // Unknown operations by effect; each class in invocation order.
            _unknownIndex[i] = unknowns++;
            var effect = (ops[i].Kind, ops[i].Kind is OpKind.PutIfMatch or OpKind.DeleteIfMatch ? ops[i].Target : 0, ops[i].Self);
            if (!classes.TryGetValue(effect, out var members))
            {
                classes.Add(effect, members = []);
            }

            members.Add(i);
        }

        _classMembers = [.. classes.Values.Select(m => m.ToArray())];
        _classNext = new int[_classMembers.Length];
        for (var c = 0; c < _classMembers.Length; c++)
        {
            foreach (var member in _classMembers[c])
            {
                _classOf[member] = c;
            }
        }

        _memo = new ConfigurationMemo(_unknownIndex);
        _definiteCount = ops.Length - unknowns;
    }

    /// <summary>Searches from each of <paramref name="initialStates"/>: linearizable when one of them is.</summary>
    public static SearchOutcome Run(ModelOp[] ops, long[] invoke, long[] complete, IEnumerable<int> initialStates, SearchBudget budget)
    {
        var search = new LinearizabilitySearch(ops, invoke, complete);
        var clock = Stopwatch.StartNew();
        SearchOutcome outcome = new(SearchResult.NotLinearizable, 0, long.MinValue);
        foreach (var state in initialStates)
        {
            var next = search.Search(state, budget with { MaxSteps = budget.MaxSteps - outcome.Steps, MaxTime = budget.MaxTime - clock.Elapsed });
            outcome = new SearchOutcome(next.Result, outcome.Steps + next.Steps, Math.Max(outcome.Frontier, next.Frontier));
            if (next.Result != SearchResult.NotLinearizable)
            {
                break;
            }
        }

        return outcome;
    }

    private SearchOutcome Search(int initialState, SearchBudget budget)
    {
        long steps = 0, frontier = long.MinValue;
        var remaining = _definiteCount;
        var maxCacheWords = budget.MaxCacheBytes / 8;
        var stack = new Stack<(int Call, int State, bool UnknownPhase, long WindowEnd)>();
        var clock = Stopwatch.StartNew();
        var state = initialState;
        if (!Visit(state))
        {
            // Explored from an earlier starting state (and refuted).
            return new SearchOutcome(SearchResult.NotLinearizable, steps, frontier);
        }

        // First phase: definite calls up to the first return. Second: unknown calls invoked by then (the window's end).
        var unknownPhase = false;
        var windowEnd = long.MinValue;
        var entry = _entries.First;
        while (remaining > 0)
        {
            if (++steps > budget.MaxSteps || ((steps & 0xFFF) == 0 && clock.Elapsed > budget.MaxTime) || _memo.Words > maxCacheWords)
            {
                return new SearchOutcome(SearchResult.Inconclusive, steps, frontier);
            }

            if (!unknownPhase && !_entries.IsCall(entry))
            {
                windowEnd = _complete[_entries.OpOf(entry)];
                unknownPhase = true;
                entry = _unknownCalls.First;
                continue;
            }

            if (unknownPhase && (entry == EntryList.End || _invoke[_unknownCalls.OpOf(entry)] > windowEnd))
            {
                // The window's first return came before its call was linearized: undo the most recent choice and try
                // the next entry after it.
                frontier = Math.Max(frontier, windowEnd);
                if (stack.Count == 0)
                {
                    return new SearchOutcome(SearchResult.NotLinearizable, steps, frontier);
                }

                (entry, state, unknownPhase, windowEnd) = stack.Pop();
                var list = unknownPhase ? _unknownCalls : _entries;
                var undone = list.OpOf(entry);
                Flip(undone);
                remaining += unknownPhase ? 0 : 1;
                list.Unlift(entry);
                entry = list.Next(entry);
                continue;
            }

            var entries = unknownPhase ? _unknownCalls : _entries;
            var op = entries.OpOf(entry);
            if ((!unknownPhase || IsEarliestOfItsClass(op)) && RegisterModel.Step(_ops[op], state, out var next) && !(unknownPhase && next == state))
            {
                Flip(op);
                if (Visit(next))
                {
                    stack.Push((entry, state, unknownPhase, windowEnd));
                    remaining -= unknownPhase ? 0 : 1;
                    state = next;
                    entries.Lift(entry);
                    entry = _entries.First;
                    unknownPhase = false;
                    continue;
                }

                Flip(op);
            }

            entry = entries.Next(entry);
        }

        return new SearchOutcome(SearchResult.Linearizable, steps, frontier);
    }

    /// <summary>An unknown operation is tried only when no earlier one with the same effect is still pending.</summary>
    private bool IsEarliestOfItsClass(int op) => _classMembers[_classOf[op]][_classNext[_classOf[op]]] == op;

    private void Flip(int op)
    {
        if (_unknownIndex[op] >= 0)
        {
            // Members of a class are linearized in order and undone in reverse, so the pending ones are a suffix.
            var c = _classOf[op];
            _classNext[c] += _classNext[c] < _classMembers[c].Length && _classMembers[c][_classNext[c]] == op ? 1 : -1;
        }

        _memo.Flip(op);
    }

    private bool Visit(int state) => _memo.Visit(state);
}
