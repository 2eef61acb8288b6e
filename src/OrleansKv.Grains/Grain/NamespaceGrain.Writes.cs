using System.Security.Cryptography;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

public sealed partial class NamespaceGrain
{
    public async ValueTask<SetResult> SetAsync(SetCommand command, CancellationToken cancellationToken = default)
    {
        ThrowIfBroken();
        ArgumentNullException.ThrowIfNull(command);
        Validate(command.Key);
        _metrics.Operation("put");
        ValidateValue(command.Value);
        var hash = command.Sha256 is { Length: 32 } known ? known : SHA256.HashData(command.Value);
        await ApplyBackPressureAsync().ConfigureAwait(false);

        var current = await CurrentForWriteAsync(command.Key, cancellationToken).ConfigureAwait(false);
        var now = NowMs;
        var live = current is not null && !current.IsExpiredAt(now);
        if (!ConditionsHold(live ? current : null, command.IfMatch, command.IfNoneMatch))
        {
            return new SetResult(KvStatus.PreconditionFailed, 0);
        }

        var revision = _stagedRevision + 1;
        var entry = NewEntry(command.Key, command.Value, command.ContentType, hash, command.Ttl, revision, live ? current!.CreatedAt : now, now);
        var unit = new CommitUnit(revision, [EntryMutation.Put(entry)], current is null ? 1 : 0, EntryBytes(entry) - EntryBytes(current));
        Stage(unit);
        EndTurn();
        await unit.Completion.ConfigureAwait(false);
        return new SetResult(live ? KvStatus.Ok : KvStatus.Created, revision);
    }

    public async ValueTask<DeleteResult> DeleteAsync(string key, long? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ThrowIfBroken();
        Validate(key);
        _metrics.Operation("delete");
        var current = await CurrentForWriteAsync(key, cancellationToken).ConfigureAwait(false);
        var live = current is not null && !current.IsExpiredAt(NowMs);
        if (ifMatch is not null && !ConditionsHold(live ? current : null, ifMatch, ifNoneMatch: false))
        {
            return new DeleteResult(KvStatus.PreconditionFailed);
        }

        if (current is null)
        {
            return new DeleteResult(KvStatus.NotFound);
        }

        // An expired row is removed too, but the caller is told the key was not there.
        var unit = new CommitUnit(_stagedRevision + 1, [EntryMutation.Delete(key)], -1, -EntryBytes(current));
        Stage(unit);
        EndTurn();
        await unit.Completion.ConfigureAwait(false);
        return new DeleteResult(live ? KvStatus.Ok : KvStatus.NotFound);
    }

    private static bool ConditionsHold(StoredEntry? live, long? ifMatch, bool ifNoneMatch) =>
        !(ifNoneMatch && live is not null) && !(ifMatch is { } version && (live is null || (version != SetCommand.AnyVersion && live.Version != version)));

    private static StoredEntry NewEntry(string key, byte[] value, string? contentType, byte[] hash, TimeSpan? ttl, long revision, long createdAt, long now) =>
        new(key, value, string.IsNullOrEmpty(contentType) ? null : contentType, hash, revision, createdAt, now, ttl is { } t ? now + (long)t.TotalMilliseconds : null);

    private static long EntryBytes(StoredEntry? entry) => entry is null ? 0 : KeyRules.KeyBytes(entry.Key) + entry.Value.Length;
}
