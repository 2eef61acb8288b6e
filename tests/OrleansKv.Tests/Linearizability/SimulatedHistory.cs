namespace OrleansKv.Tests.Linearizability;

/// <summary>
/// A linearizable history by construction, for testing the checker at scale: clients issue operations one at a time;
/// each operation takes effect at a point inside its interval, in that order, on a reference register that answers
/// as the server would. A few outcomes are made unknown (half of them applied).
/// </summary>
internal static class SimulatedHistory
{
    public static List<Operation> Generate(int operations, int clients, int seed, string key = "k", double unknownRate = 0.01)
    {
        var random = new Random(seed);
        var free = new long[clients];
        var lastEtag = new string?[clients];
        var ops = new List<Operation>(operations);
        string? value = null, etag = null;
        long revision = 0, lastPoint = 0;
        for (var i = 0; i < operations; i++)
        {
            var client = Array.IndexOf(free, free.Min());
            var invoke = free[client] + random.Next(0, 2_000);
            var point = Math.Max(invoke, lastPoint) + random.Next(0, 3_000);
            var complete = point + random.Next(0, 10_000);
            lastPoint = point;
            free[client] = complete;

            var kind = (OpKind)random.Next(0, 6);
            var ifMatch = kind is OpKind.PutIfMatch or OpKind.DeleteIfMatch ? lastEtag[client] ?? "\"0\"" : null;
            var written = kind is OpKind.Put or OpKind.PutIfMatch or OpKind.PutIfNoneMatch ? $"v{i}" : null;
            var unknown = kind != OpKind.Read && random.NextDouble() < unknownRate;
            var applies = !unknown || random.Next(2) == 0;
            Outcome outcome;
            switch (kind)
            {
                case OpKind.Read:
                    outcome = value is null ? Outcome.Absent() : Outcome.Found(value, etag);
                    lastEtag[client] = etag;
                    break;
                case OpKind.Put:
                case OpKind.PutIfMatch when etag == ifMatch && value is not null:
                case OpKind.PutIfNoneMatch when value is null:
                    outcome = Outcome.Written(value is null, $"\"{revision + 1}\"");
                    if (applies)
                    {
                        value = written;
                        etag = $"\"{++revision}\"";
                    }

                    break;
                case OpKind.Delete:
                    outcome = value is null ? Outcome.NotFound() : Outcome.Deleted();
                    if (applies)
                    {
                        value = etag = null;
                    }

                    break;
                case OpKind.DeleteIfMatch when etag == ifMatch && value is not null:
                    outcome = Outcome.Deleted();
                    if (applies)
                    {
                        value = etag = null;
                    }

                    break;
                default:
                    outcome = Outcome.PreconditionFailed();
                    break;
            }

            if (unknown)
            {
                outcome = Outcome.Unknown("simulated timeout");
                complete = Operation.Infinity;
                free[client] = point + 20_000;
            }

            ops.Add(new Operation(i, client, key, kind, written, ifMatch, invoke, complete, outcome));
        }

        return ops;
    }
}
