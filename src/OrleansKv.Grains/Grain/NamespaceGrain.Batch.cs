using System.Security.Cryptography;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

public sealed partial class NamespaceGrain
{
    public async ValueTask<BatchResult> BatchAsync(IReadOnlyList<BatchOperation> operations, CancellationToken cancellationToken = default)
    {
        ThrowIfBroken();
        ArgumentNullException.ThrowIfNull(operations);
        _metrics.Operation("batch");
        if (operations.Count > KeyRules.MaxBatchOperations)
        {
            throw new ArgumentException($"A batch holds at most {KeyRules.MaxBatchOperations} operations, not {operations.Count}.", nameof(operations));
        }

        foreach (var op in operations)
        {
            Validate(op.Key);
            if (op.Kind == BatchOpKind.Put)
            {
                ValidateValue(op.Value);
            }
        }

        await ApplyBackPressureAsync().ConfigureAwait(false);

        // Run the operations in order against a private view: the committed/staged state plus the
        // effects of earlier operations of this batch. Nothing is staged unless every condition holds.
        var now = NowMs;
        var revision = _stagedRevision + 1;
        var view = new Dictionary<string, StoredEntry?>(StringComparer.Ordinal);
        var before = new Dictionary<string, StoredEntry?>(StringComparer.Ordinal);
        var outcomes = new BatchOutcome[operations.Count];
        var mutations = new List<EntryMutation>();
        var failed = false;
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            if (!view.TryGetValue(op.Key, out var current))
            {
                current = await CurrentForWriteAsync(op.Key, cancellationToken).ConfigureAwait(false);
                before[op.Key] = current;
                view[op.Key] = current;
            }

            var live = current is not null && !current.IsExpiredAt(now) ? current : null;
            switch (op.Kind)
            {
                case BatchOpKind.Get:
                    outcomes[i] = new BatchOutcome(op.Kind, live is null ? KvStatus.NotFound : KvStatus.Ok, op.Key, live, live?.Version ?? 0);
                    break;
                case BatchOpKind.Put when ConditionsHold(live, op.IfMatch, op.IfNoneMatch):
                    var entry = NewEntry(op.Key, op.Value!, op.ContentType, SHA256.HashData(op.Value!), op.Ttl, revision, live?.CreatedAt ?? now, now);
                    view[op.Key] = entry;
                    mutations.Add(EntryMutation.Put(entry));
                    outcomes[i] = new BatchOutcome(op.Kind, live is null ? KvStatus.Created : KvStatus.Ok, op.Key, null, revision);
                    break;
                case BatchOpKind.Delete when op.IfMatch is null || ConditionsHold(live, op.IfMatch, ifNoneMatch: false):
                    if (current is not null)
                    {
                        view[op.Key] = null;
                        mutations.Add(EntryMutation.Delete(op.Key));
                    }

                    outcomes[i] = new BatchOutcome(op.Kind, live is null ? KvStatus.NotFound : KvStatus.Ok, op.Key, null, 0);
                    break;
                default:
                    failed = true;
                    outcomes[i] = new BatchOutcome(op.Kind, KvStatus.PreconditionFailed, op.Key, null, 0);
                    break;
            }
        }

        if (failed)
        {
            for (var i = 0; i < outcomes.Length; i++)
            {
                if (outcomes[i].Kind == BatchOpKind.Get)
                {
                    // A failed batch changes nothing, so its reads report the state before it.
                    var original = before[outcomes[i].Key];
                    var found = original is not null && !original.IsExpiredAt(now) ? original : null;
                    outcomes[i] = outcomes[i] with { Status = found is null ? KvStatus.NotFound : KvStatus.Ok, Entry = found, Version = found?.Version ?? 0 };
                }
                else if (outcomes[i].Status != KvStatus.PreconditionFailed)
                {
                    outcomes[i] = outcomes[i] with { Status = KvStatus.Aborted, Version = 0 };
                }
            }

            return new BatchResult(false, outcomes);
        }

        if (mutations.Count > 0)
        {
            long deltaKeys = 0, deltaBytes = 0;
            foreach (var (key, after) in view)
            {
                var old = before[key];
                deltaKeys += (after is null ? 0 : 1) - (old is null ? 0 : 1);
                deltaBytes += EntryBytes(after) - EntryBytes(old);
            }

            var unit = new CommitUnit(revision, mutations, deltaKeys, deltaBytes);
            Stage(unit);
            EndTurn();
            await unit.Completion.ConfigureAwait(false);
        }

        return new BatchResult(true, outcomes);
    }
}
