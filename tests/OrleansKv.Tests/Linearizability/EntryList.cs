namespace OrleansKv.Tests.Linearizability;

/// <summary>
/// Call and return events in time order, as a doubly linked list over arrays (node 0 is the head sentinel). An
/// operation may have no return event (one whose outcome is unknown never returns). <see cref="Lift"/> takes an
/// operation's events out (it has been linearized); <see cref="Unlift"/> puts them back, in the reverse order, when
/// the search backtracks.
/// </summary>
internal sealed class EntryList
{
    public const int End = -1;

    private readonly int[] _next;
    private readonly int[] _prev;
    private readonly int[] _op;
    private readonly int[] _match;
    private readonly bool[] _isCall;

    /// <param name="ops">The operations to list (indices into <paramref name="invoke"/> and <paramref name="complete"/>).</param>
    /// <param name="invoke">Per operation, its call time.</param>
    /// <param name="complete">Per operation, its return time; null to list calls only.</param>
    public EntryList(IReadOnlyList<int> ops, long[] invoke, long[]? complete)
    {
        var events = new List<(long Time, int Order, int Op, bool IsCall)>(ops.Count * 2);
        foreach (var op in ops)
        {
            events.Add((invoke[op], 0, op, true));
            if (complete is not null)
            {
                events.Add((complete[op], 1, op, false));
            }
        }

        // By time; at equal times calls before returns (two operations that touch at one instant overlap), then by op.
        events.Sort(static (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Order != b.Order ? a.Order.CompareTo(b.Order) : a.Op.CompareTo(b.Op));

        var nodes = events.Count + 1;
        _next = new int[nodes];
        _prev = new int[nodes];
        _op = new int[nodes];
        _match = new int[nodes];
        _isCall = new bool[nodes];
        var callNode = new Dictionary<int, int>(ops.Count);
        _op[0] = -1;
        for (var i = 0; i < events.Count; i++)
        {
            var node = i + 1;
            _op[node] = events[i].Op;
            _prev[node] = node - 1;
            _next[node - 1] = node;
            _match[node] = End;
            _isCall[node] = events[i].IsCall;
            if (events[i].IsCall)
            {
                callNode[events[i].Op] = node;
            }
            else
            {
                _match[callNode[events[i].Op]] = node;
            }
        }

        _next[nodes - 1] = End;
    }

    /// <summary>The first entry, or <see cref="End"/> when the list is empty.</summary>
    public int First => _next[0];

    public int Next(int node) => _next[node];

    public int OpOf(int node) => _op[node];

    public bool IsCall(int node) => _isCall[node];

    public void Lift(int call)
    {
        Unlink(call);
        if (_match[call] != End)
        {
            Unlink(_match[call]);
        }
    }

    public void Unlift(int call)
    {
        if (_match[call] != End)
        {
            Relink(_match[call]);
        }

        Relink(call);
    }

    private void Unlink(int node)
    {
        _next[_prev[node]] = _next[node];
        if (_next[node] != End)
        {
            _prev[_next[node]] = _prev[node];
        }
    }

    private void Relink(int node)
    {
        _next[_prev[node]] = node;
        if (_next[node] != End)
        {
            _prev[_next[node]] = node;
        }
    }
}
