using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

public sealed partial class NamespaceGrain
{
    public async ValueTask<BatchResult> BatchAsync(IReadOnlyList<BatchOperation> operations, CancellationToken cancellationToken = default)
    {
        ThrowIfRetired();
        ArgumentNullException.ThrowIfNull(operations);
        _metrics.Operation("batch");
        if (operations.Count > KeyRules.MaxBatchOperations)
        {
            throw new KvErrorException(KvErrorCode.BatchTooLarge, $"A batch holds at most {KeyRules.MaxBatchOperations} operations, not {operations.Count}.");
        }

        var hashes = new ContentHash[operations.Count];
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            Validate(op.Key);
            if (op.Kind == BatchOpKind.Put)
            {
                ValidateValue(op.Value);
                CheckValueQuota(op.Value!.Length);
                hashes[i] = ContentHash.Compute(op.Value!);
            }
        }

        await _commits.WaitForRoomAsync();
        BatchResult result;
        CommitUnit? unit = null;
        CommitUnit? dependsOn = null;
        NamespaceQuotaException? refusal = null;
        await _writeGate.WaitAsync(CancellationToken.None);
        try
        {
            // The state before the batch, for every key it touches, read under the gate: nothing stages meanwhile.
            var before = new Dictionary<string, StoredEntry?>(StringComparer.Ordinal);
            foreach (var op in operations)
            {
                if (!before.ContainsKey(op.Key))
                {
                    var (current, staged) = await CurrentForWriteAsync(op.Key);
                    before[op.Key] = current;
                    if (staged is not null && (dependsOn is null || staged.Revision > dependsOn.Revision))
                    {
                        dependsOn = staged;
                    }
                }
            }

            await EnsureOwnedAsync();
            var (outcome, mutations) = Evaluate(operations, hashes, before, _commits.StagedRevision + 1, NowMs);
            result = outcome;
            if (mutations.Count > 0)
            {
                var usage = UsageDelta.Of(mutations, before);
                refusal = QuotaRefusal(usage);
                if (refusal is null)
                {
                    unit = Stage(mutations, usage);
                }
                else
                {
                    dependsOn = _commits.LastPending;
                }
            }
        }
        finally
        {
            _writeGate.Release();
        }

        if (refusal is not null)
        {
            return await RefuseAsync<BatchResult>(refusal, dependsOn);
        }

        // A batch that writes is durable after everything staged before it; one that only reads, or fails, changes
        // nothing and is answered once what it read is durable.
        await (unit is null ? DurableAsync(dependsOn) : unit.Completion);
        if (unit is not null && unit.Mutations.Exists(m => m.Entry?.ExpiresAt is not null))
        {
            await SyncReminderAsync();
        }

        return result;
    }

    /// <summary>
    /// Runs the operations in order against <paramref name="before"/> plus the effects of earlier operations of the
    /// batch. Returns the outcome and, when every condition held, the mutations to stage (else none).
    /// </summary>
    private static (BatchResult Result, List<EntryMutation> Mutations) Evaluate(
        IReadOnlyList<BatchOperation> operations, ContentHash[] hashes, Dictionary<string, StoredEntry?> before, long revision, long now)
    {
        var view = new Dictionary<string, StoredEntry?>(before, StringComparer.Ordinal);
        var outcomes = new BatchOutcome[operations.Count];
        var mutations = new List<EntryMutation>();
        var failed = false;
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            var current = view[op.Key];
            var live = current is not null && !current.IsExpiredAt(now) ? current : null;
            switch (op.Kind)
            {
                case BatchOpKind.Get:
                    outcomes[i] = new BatchOutcome(op.Kind, live is null ? KvStatus.NotFound : KvStatus.Ok, op.Key, live, live?.Version ?? 0);
                    break;
                case BatchOpKind.Put when ConditionsHold(live, op.IfMatch, op.IfNoneMatch):
                    var entry = NewEntry(op.Key, op.Value!, op.ContentType, hashes[i], op.Ttl, revision, live?.CreatedAt ?? now, now);
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

        if (!failed)
        {
            return (new BatchResult(true, outcomes), mutations);
        }

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

        return (new BatchResult(false, outcomes), []);
    }
}
