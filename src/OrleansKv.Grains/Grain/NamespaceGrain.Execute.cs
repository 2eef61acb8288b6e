using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

/// <summary>
/// Key operations (read-modify-writes, expiry changes, renames, flushes): decided under the write gate against the
/// latest staged or committed entry of every key they touch, staged as one unit, answered once durable; like a batch.
/// </summary>
public sealed partial class NamespaceGrain
{
    /// <summary>The most keys one call may touch.</summary>
    internal const int MaxExecuteKeys = 10_000;

    public async ValueTask<IReadOnlyList<KeyOpResult>> ExecuteAsync(IReadOnlyList<KeyOperation> operations, CancellationToken cancellationToken = default)
    {
        ThrowIfRetired();
        ArgumentNullException.ThrowIfNull(operations);
        _metrics.Operation("batch");
        var keys = KeysOf(operations, out var flush);
        if (AllReads(operations))
        {
            return await ReadAllAsync(operations);
        }

        await _commits.WaitForRoomAsync();

        var results = new KeyOpResult[operations.Count];
        CommitUnit? unit = null;
        CommitUnit? dependsOn = null;
        NamespaceQuotaException? refusal = null;
        await _writeGate.WaitAsync(CancellationToken.None);
        try
        {
            var view = new Dictionary<string, StoredEntry?>(StringComparer.Ordinal);
            IReadOnlyCollection<string> stored = [];
            if (flush)
            {
                foreach (var staged in _commits.StagedKeys)
                {
                    keys.Add(staged);
                }

                stored = await StoredKeysAsync();
            }

            foreach (var key in keys)
            {
                var (current, staged) = await CurrentForWriteAsync(key);
                view[key] = current;
                if (staged is not null && (dependsOn is null || staged.Revision > dependsOn.Revision))
                {
                    dependsOn = staged;
                }
            }

            await EnsureOwnedAsync();
            var before = new Dictionary<string, StoredEntry?>(view, StringComparer.Ordinal); // the evaluator updates the view
            var evaluator = new KeyOperationEvaluator(view, _commits.StagedRevision + 1, NowMs, _quotas.MaxValueBytes);
            for (var i = 0; i < operations.Count; i++)
            {
                results[i] = evaluator.Apply(operations[i], stored);
            }

            if (evaluator.Mutations.Count > 0)
            {
                // Keys a flush deletes without reading them count as unchanged: the quota may refuse a little
                // early, never late.
                var usage = UsageDelta.Of(evaluator.Mutations, before);
                refusal = QuotaRefusal(usage);
                if (refusal is null)
                {
                    unit = Stage(evaluator.Mutations, usage);
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
            return await RefuseAsync<IReadOnlyList<KeyOpResult>>(refusal, dependsOn);
        }

        await (unit is null ? DurableAsync(dependsOn) : unit.Completion);
        if (unit is not null && unit.Mutations.Exists(m => m.Entry?.ExpiresAt is not null))
        {
            await SyncReminderAsync();
        }

        return results;
    }

    private static bool AllReads(IReadOnlyList<KeyOperation> operations)
    {
        foreach (var op in operations)
        {
            if (!op.IsRead)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads only: from the committed view, as <see cref="GetAsync"/> reads, without the write gate.</summary>
    private async ValueTask<IReadOnlyList<KeyOpResult>> ReadAllAsync(IReadOnlyList<KeyOperation> operations)
    {
        await EnsureOwnedAsync();
        var results = new KeyOpResult[operations.Count];
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            var entry = Live(_cache.TryGet(op.Key, out var cached) ? cached : await LoadAsync(op.Key));
            results[i] = entry is null ? new KeyOpResult(KeyOpStatus.NotFound)
                : new KeyOpResult(KeyOpStatus.Ok, op.Kind == KeyOpKind.Get ? entry.Value : null, op.Kind == KeyOpKind.Inspect ? entry.Value.Length : 0, entry.ExpiresAt, entry.Version);
        }

        return results;
    }

    /// <summary>Checks the operations and returns every key they touch.</summary>
    private HashSet<string> KeysOf(IReadOnlyList<KeyOperation> operations, out bool flush)
    {
        flush = false;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in operations)
        {
            ArgumentNullException.ThrowIfNull(op);
            switch (op.Kind)
            {
                case KeyOpKind.Flush:
                    flush = true;
                    continue;
                case KeyOpKind.SetMany:
                    foreach (var (key, value) in op.Pairs ?? [])
                    {
                        Validate(key);
                        ValidateValue(value);
                        CheckValueQuota(value.Length);
                        keys.Add(key);
                    }

                    continue;
                case KeyOpKind.Set:
                    ValidateValue(op.Value);
                    CheckValueQuota(op.Value!.Length);
                    break;
                case KeyOpKind.Append:
                    ValidateValue(op.Value);
                    break;
                case KeyOpKind.Rename or KeyOpKind.Copy:
                    Validate(op.Target!);
                    keys.Add(op.Target!);
                    break;
            }

            Validate(op.Key);
            keys.Add(op.Key);
            if (keys.Count > MaxExecuteKeys)
            {
                throw new KvErrorException(KvErrorCode.InvalidArgument, $"One call touches at most {MaxExecuteKeys} keys.");
            }
        }

        return keys.Count > MaxExecuteKeys ? throw new KvErrorException(KvErrorCode.InvalidArgument, $"One call touches at most {MaxExecuteKeys} keys.") : keys;
    }

    /// <summary>Every key the store holds for the namespace, expired rows included, read page by page.</summary>
    private async Task<List<string>> StoredKeysAsync()
    {
        var all = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await _store.ListPageAsync(_ns, string.Empty, after, _options.ListPageSize, 0, CancellationToken.None);
            foreach (var item in page)
            {
                all.Add(item.Key);
            }

            if (page.Count < _options.ListPageSize)
            {
                return all;
            }

            after = page[^1].Key;
        }
    }
}
