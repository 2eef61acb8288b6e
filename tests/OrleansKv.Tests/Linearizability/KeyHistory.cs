namespace OrleansKv.Tests.Linearizability;

/// <summary>
/// One key's operations in invocation order, resolved against its <see cref="WriteCatalog"/>, ready to search whole
/// or in part. A part is a window of operations <c>[from, to)</c> by invocation: those as recorded; later ones with
/// their outcome forgotten (optional); earlier ones still in flight when the window opens optional too; earlier
/// ones that completed before it left out, their effect summed up in a starting state. Forgetting outcomes only
/// removes constraints, so if a window fails from every starting state the whole history fails, and "the prefix of
/// length k fails" is monotone in k.
/// </summary>
internal sealed class KeyHistory
{
    private readonly ModelOp[] _compiled;
    private readonly int[] _writeIndex;

    public KeyHistory(string key, IEnumerable<Operation> ops)
    {
        Key = key;
        Ops = [.. ops.OrderBy(o => o.Invoke).ThenBy(o => o.Id)];
        foreach (var op in Ops)
        {
            if (op.Complete < op.Invoke)
            {
                throw new ArgumentException($"op {op.Id}: completes before it is invoked");
            }
        }

        Writes = new WriteCatalog(Ops);
        _writeIndex = new int[Writes.WriteCount];
        for (var i = 0; i < Ops.Count; i++)
        {
            if (Writes.WriteOf[i] >= 0)
            {
                _writeIndex[Writes.WriteOf[i]] = i;
            }
        }

        _compiled = new ModelOp[Ops.Count];
        for (var i = 0; i < Ops.Count; i++)
        {
            _compiled[i] = RegisterModel.Compile(Ops[i], Writes.WriteOf[i], Writes);
        }
    }

    public string Key { get; }

    /// <summary>In invocation order.</summary>
    public IReadOnlyList<Operation> Ops { get; }

    public WriteCatalog Writes { get; }

    /// <summary>Searches the prefix of <paramref name="prefix"/> operations (the rest optional) from an absent key.</summary>
    public SearchOutcome Search(int prefix, SearchBudget budget) => Search(0, prefix, [RegisterModel.Absent], budget);

    /// <summary>Searches the window <c>[from, to)</c> from each of <paramref name="initialStates"/>.</summary>
    public SearchOutcome Search(int from, int to, IEnumerable<int> initialStates, SearchBudget budget)
    {
        var included = Included(from, to);
        var ops = new ModelOp[included.Count];
        var invoke = new long[included.Count];
        var complete = new long[included.Count];
        for (var j = 0; j < included.Count; j++)
        {
            var (i, unknown) = included[j];
            ops[j] = unknown ? _compiled[i] with { Outcome = OutcomeKind.Unknown } : _compiled[i];
            invoke[j] = Ops[i].Invoke;
            complete[j] = unknown ? Operation.Infinity : Ops[i].Complete;
        }

        // A write that no operation of this search reads or names by ETag is told apart from another such write by
        // none of them: the model only compares the state with a read's or condition's target, or asks whether the
        // key is present. Such writes share one state, which keeps the search from exploring one situation per write.
        var named = new HashSet<int>(ops.Where(o => o.Target >= 0).Select(o => o.Target));
        for (var j = 0; j < ops.Length; j++)
        {
            if (ops[j].Self >= 0 && !named.Contains(ops[j].Self))
            {
                ops[j] = ops[j] with { Self = RegisterModel.Unobserved };
            }
        }

        return LinearizabilitySearch.Run(ops, invoke, complete, initialStates, budget);
    }

    /// <summary>
    /// The states the key may be in when window <c>[from, to)</c> opens, up to what the window can tell apart: absent,
    /// a value none of its operations names, or a write invoked before it that one of them names.
    /// </summary>
    public IEnumerable<int> StartingStates(int from, int to)
    {
        var states = new List<int> { RegisterModel.Absent };
        if (from > 0)
        {
            states.Add(RegisterModel.Unobserved);
            foreach (var (i, _) in Included(from, to))
            {
                if (_compiled[i].Target is var target and >= 0 && _writeIndex[target] < from && !states.Contains(target))
                {
                    states.Add(target);
                }
            }
        }

        return states;
    }

    /// <summary>The op that made write number <paramref name="write"/>.</summary>
    public Operation? WriterOf(int write) => write >= 0 && write < _writeIndex.Length ? Ops[_writeIndex[write]] : null;

    /// <summary>How many operations were invoked at or before <paramref name="time"/>.</summary>
    public int InvokedBy(long time)
    {
        var count = 0;
        while (count < Ops.Count && Ops[count].Invoke <= time)
        {
            count++;
        }

        return count;
    }

    /// <summary>The operations a search of window <c>[from, to)</c> takes, by position, and whether as unknown.</summary>
    private List<(int Index, bool Unknown)> Included(int from, int to)
    {
        to = Math.Min(to, Ops.Count);
        var opens = from < Ops.Count ? Ops[from].Invoke : long.MaxValue;

        // Unknown operations invoked after the window's last definite answer can all go last: they decide nothing.
        var lastAnswer = long.MinValue;
        for (var i = from; i < to; i++)
        {
            if (_compiled[i].Outcome != OutcomeKind.Unknown)
            {
                lastAnswer = Math.Max(lastAnswer, Ops[i].Complete);
            }
        }

        var included = new List<(int, bool)>();
        for (var i = 0; i < Ops.Count && Ops[i].Invoke <= lastAnswer; i++)
        {
            if (i < from && Ops[i].Complete < opens)
            {
                continue;
            }

            // A read whose answer is unknown (or ignored) constrains nothing.
            var unknown = i < from || i >= to || _compiled[i].Outcome == OutcomeKind.Unknown;
            if (!(unknown && _compiled[i].Kind == OpKind.Read))
            {
                included.Add((i, unknown));
            }
        }

        return included;
    }
}
