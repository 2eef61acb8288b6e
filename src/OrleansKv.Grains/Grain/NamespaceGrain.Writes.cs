using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

/// <summary>Writes: decide under the write gate against the latest staged or committed entry, stage, await durability.</summary>
public sealed partial class NamespaceGrain
{
    public async ValueTask<SetResult> SetAsync(SetCommand command, CancellationToken cancellationToken = default)
    {
        ThrowIfRetired();
        ArgumentNullException.ThrowIfNull(command);
        Validate(command.Key);
        _metrics.Operation("put");
        ValidateValue(command.Value);
        CheckValueQuota(command.Value.Length);
        var hash = command.Sha256 ?? ContentHash.Compute(command.Value);
        await _commits.WaitForRoomAsync();

        CommitUnit? unit = null;
        CommitUnit? dependsOn;
        NamespaceQuotaException? refusal = null;
        bool live;
        await _writeGate.WaitAsync(CancellationToken.None);
        try
        {
            (var current, dependsOn) = await CurrentForWriteAsync(command.Key);
            await EnsureOwnedAsync();
            var now = NowMs;
            live = current is not null && !current.IsExpiredAt(now);
            if (ConditionsHold(live ? current : null, command.IfMatch, command.IfNoneMatch))
            {
                var entry = NewEntry(command.Key, command.Value, command.ContentType, hash, command.Ttl, _commits.StagedRevision + 1, live ? current!.CreatedAt : now, now);
                var usage = UsageDelta.Of(current, entry);
                refusal = QuotaRefusal(usage);
                if (refusal is null)
                {
                    unit = Stage([EntryMutation.Put(entry)], usage);
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
            return await RefuseAsync<SetResult>(refusal, dependsOn);
        }

        if (unit is null)
        {
            await DurableAsync(dependsOn);
            return new SetResult(KvStatus.PreconditionFailed, 0);
        }

        await unit.Completion;
        if (command.Ttl is not null)
        {
            await SyncReminderAsync();
        }

        return new SetResult(live ? KvStatus.Ok : KvStatus.Created, unit.Revision);
    }

    public async ValueTask<DeleteResult> DeleteAsync(string key, long? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ThrowIfRetired();
        Validate(key);
        _metrics.Operation("delete");

        CommitUnit? unit = null;
        CommitUnit? dependsOn;
        KvStatus status;
        await _writeGate.WaitAsync(CancellationToken.None);
        try
        {
            (var current, dependsOn) = await CurrentForWriteAsync(key);
            await EnsureOwnedAsync();
            var live = current is not null && !current.IsExpiredAt(NowMs);
            if (ifMatch is not null && !ConditionsHold(live ? current : null, ifMatch, ifNoneMatch: false))
            {
                status = KvStatus.PreconditionFailed;
            }
            else
            {
                // An expired row is removed too, but the caller is told the key was not there.
                status = live ? KvStatus.Ok : KvStatus.NotFound;
                unit = current is null ? null : Stage([EntryMutation.Delete(key)], UsageDelta.Of(current, null));
            }
        }
        finally
        {
            _writeGate.Release();
        }

        await (unit is null ? DurableAsync(dependsOn) : unit.Completion);
        return new DeleteResult(status);
    }

    /// <summary>
    /// The entry a write is checked against: the latest staged write, else the committed entry, with the staged unit
    /// the answer then depends on. Called under the write gate, so no other write can stage the key meanwhile, and a
    /// committed entry read from the store is current. May return an expired entry (it still occupies its row).
    /// </summary>
    private async ValueTask<(StoredEntry? Entry, CommitUnit? DependsOn)> CurrentForWriteAsync(string key)
    {
        if (_commits.TryGetStaged(key, out var pending))
        {
            return (pending.Entry, pending.Unit);
        }

        return (_cache.TryGet(key, out var cached) ? cached : await LoadAsync(key), null);
    }

    /// <summary>
    /// Waits until the staged write that an outcome changing nothing was decided against (a 412, a 404) is durable:
    /// until then a reader could still see the state before that write. If that write failed, the outcome was decided
    /// against a write that never happened, so the caller is told to retry instead.
    /// </summary>
    private static async Task DurableAsync(CommitUnit? dependsOn)
    {
        if (dependsOn is null)
        {
            return;
        }

        try
        {
            await dependsOn.Completion;
        }
        catch (Exception ex)
        {
            throw new NamespaceMovedException("The write this answer depended on did not complete; nothing was applied. Retry.", ex);
        }
    }

    /// <summary>Stages a unit, with the usage change it makes (a TTL sweep passes none: it only lowers usage, which
    /// the quotas then count once durable), and notes the expiries it brings.</summary>
    private CommitUnit Stage(List<EntryMutation> mutations, UsageDelta usage = default)
    {
        var unit = _commits.Stage(mutations, usage);
        foreach (var mutation in mutations)
        {
            if (mutation.Entry?.ExpiresAt is { } expiresAt && _expiry.Note(expiresAt))
            {
                ArmTimer();
            }
        }

        return unit;
    }

    private static bool ConditionsHold(StoredEntry? live, long? ifMatch, bool ifNoneMatch) =>
        !(ifNoneMatch && live is not null) && !(ifMatch is { } version && (live is null || (version != SetCommand.AnyVersion && live.Version != version)));

    private static StoredEntry NewEntry(string key, byte[] value, string? contentType, ContentHash hash, TimeSpan? ttl, long revision, long createdAt, long now) =>
        new(key, value, string.IsNullOrEmpty(contentType) ? null : contentType, hash, revision, createdAt, now, ttl is { } t ? now + (long)t.TotalMilliseconds : null);
}
