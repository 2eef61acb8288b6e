using System.Diagnostics;

namespace OrleansKv.Tests.Linearizability;

/// <summary>
/// Collects the operations of concurrent clients into one history, with times in nanoseconds from the start of the
/// recording on one monotonic clock. Thread-safe.
/// </summary>
internal sealed class HistoryRecorder
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly Lock _lock = new();
    private readonly List<Operation> _ops = [];

    /// <summary>Nanoseconds since the recording started.</summary>
    public long Now() => (long)((Stopwatch.GetTimestamp() - _start) * (1_000_000_000.0 / Stopwatch.Frequency));

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _ops.Count;
            }
        }
    }

    /// <summary>Adds an operation, giving it the next id; an unknown outcome completes at infinity.</summary>
    public Operation Record(int client, string key, OpKind kind, string? value, string? ifMatch, long invoke, long complete, Outcome outcome, string route)
    {
        lock (_lock)
        {
            var op = new Operation(_ops.Count, client, key, kind, value, ifMatch, invoke, outcome.Kind == OutcomeKind.Unknown ? Operation.Infinity : complete, outcome, route);
            _ops.Add(op);
            return op;
        }
    }

    public IReadOnlyList<Operation> Snapshot()
    {
        lock (_lock)
        {
            return [.. _ops];
        }
    }
}
