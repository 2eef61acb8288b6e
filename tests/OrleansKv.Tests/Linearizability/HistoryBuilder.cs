namespace OrleansKv.Tests.Linearizability;

/// <summary>Hand-made histories for the checker's own tests: times in milliseconds, one key unless told.</summary>
internal sealed class HistoryBuilder
{
    private readonly List<Operation> _ops = [];

    public IReadOnlyList<Operation> Ops => _ops;

    public Operation Put(int client, string value, double from, double to, bool? created, string? etag = null, string key = "k") =>
        Add(client, key, OpKind.Put, value, null, from, to, Outcome.Written(created, etag));

    public Operation PutUnknown(int client, string value, double from, string key = "k") =>
        Add(client, key, OpKind.Put, value, null, from, null, Outcome.Unknown("503"));

    public Operation PutIfMatch(int client, string ifMatch, string value, double from, double? to, Outcome outcome, string key = "k") =>
        Add(client, key, OpKind.PutIfMatch, value, ifMatch, from, to, outcome);

    public Operation PutIfNoneMatch(int client, string value, double from, double? to, Outcome outcome, string key = "k") =>
        Add(client, key, OpKind.PutIfNoneMatch, value, null, from, to, outcome);

    public Operation Read(int client, double from, double to, string value, string? etag = null, string key = "k") =>
        Add(client, key, OpKind.Read, null, null, from, to, Outcome.Found(value, etag));

    public Operation ReadAbsent(int client, double from, double to, string key = "k") =>
        Add(client, key, OpKind.Read, null, null, from, to, Outcome.Absent());

    public Operation Delete(int client, double from, double? to, Outcome outcome, string key = "k") =>
        Add(client, key, OpKind.Delete, null, null, from, to, outcome);

    public Operation DeleteIfMatch(int client, string ifMatch, double from, double? to, Outcome outcome, string key = "k") =>
        Add(client, key, OpKind.DeleteIfMatch, null, ifMatch, from, to, outcome);

    public HistoryVerdict Check() => LinearizabilityChecker.Check(_ops);

    private Operation Add(int client, string key, OpKind kind, string? value, string? ifMatch, double from, double? to, Outcome outcome)
    {
        var complete = outcome.Kind == OutcomeKind.Unknown || to is null ? Operation.Infinity : Ns(to.Value);
        var op = new Operation(_ops.Count, client, key, kind, value, ifMatch, Ns(from), complete, outcome);
        _ops.Add(op);
        return op;
    }

    private static long Ns(double ms) => (long)(ms * 1_000_000);
}
