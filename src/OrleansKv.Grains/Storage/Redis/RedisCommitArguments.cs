using StackExchange.Redis;

namespace OrleansKv.Grains.Storage.Redis;

/// <summary>
/// Turns a <see cref="CommitBatch"/> into the KEYS and ARGV of <see cref="RedisScripts.Commit"/>:
/// <list type="bullet">
/// <item>KEYS: [1] meta, [2] index, [3] TTL set, [4] hashes of TTL entries, then one entry hash per mutation.</item>
/// <item>ARGV: [1] epoch, [2] expected revision, [3] new revision, [4] native-expiry grace in ms, [5] the object key
/// prefix, then per mutation either <c>P, key, stored bytes, encoding, size, content type, has content type (1/0),
/// sha256, version, created, updated, expires ('' = none)</c> or <c>D, key</c>. Keys and values travel as raw bytes;
/// a value is compressed here, before it is known whether the namespace already holds it.</item>
/// </list>
/// Only the last mutation of each key is sent: applying it alone leaves the same entries and the same stats as
/// applying every mutation in order ("a later write to the same key wins"), and a 16 MiB value overwritten in the
/// same batch is not shipped twice.
/// </summary>
internal static class RedisCommitArguments
{
    private const int PutArgs = 12;
    private const int DeleteArgs = 2;
    private static readonly RedisValue PutKind = "P";
    private static readonly RedisValue DeleteKind = "D";
    private static readonly RedisValue True = "1";
    private static readonly RedisValue False = "0";

    /// <summary>Validates the batch as <see cref="INamespaceStore.CommitAsync"/> documents and builds the arguments.</summary>
    /// <exception cref="ArgumentException">A mutation is malformed or the revisions do not advance.</exception>
    public static (RedisKey[] Keys, RedisValue[] Args) Build(RedisNamespaceKeys keys, CommitBatch batch, long graceMs, ValueCompression compression)
    {
        CommitBatches.Validate(batch);
        var mutations = batch.Mutations;
        var superseded = CommitBatches.Superseded(mutations);
        var keyCount = 4;
        var argCount = 5;
        for (var i = 0; i < mutations.Count; i++)
        {
            if (superseded?[i] != true)
            {
                keyCount++;
                argCount += mutations[i].Kind == MutationKind.Put ? PutArgs : DeleteArgs;
            }
        }

        var redisKeys = new RedisKey[keyCount];
        var args = new RedisValue[argCount];
        redisKeys[0] = keys.Meta;
        redisKeys[1] = keys.Index;
        redisKeys[2] = keys.Ttl;
        redisKeys[3] = keys.Hashes;
        args[0] = batch.Epoch;
        args[1] = batch.ExpectedRevision;
        args[2] = batch.NewRevision;
        args[3] = graceMs;
        args[4] = keys.ObjectPrefix;

        var k = 4;
        var a = 5;
        for (var i = 0; i < mutations.Count; i++)
        {
            if (superseded?[i] == true)
            {
                continue;
            }

            var mutation = mutations[i];
            var keyBytes = Utf8Keys.Encode(mutation.Key, nameof(batch));
            redisKeys[k++] = keys.Entry(keyBytes);
            if (mutation.Kind == MutationKind.Delete)
            {
                args[a++] = DeleteKind;
                args[a++] = keyBytes;
                continue;
            }

            var entry = mutation.Entry!;
            args[a++] = PutKind;
            args[a++] = keyBytes;
            var (data, encoding) = compression.Encode(entry.Value);
            args[a++] = data;
            args[a++] = (int)encoding;
            args[a++] = entry.Value.LongLength;
            args[a++] = entry.ContentType ?? string.Empty;
            args[a++] = entry.ContentType is null ? False : True;
            args[a++] = entry.Sha256.ToArray();
            args[a++] = entry.Version;
            args[a++] = entry.CreatedAt;
            args[a++] = entry.UpdatedAt;
            args[a++] = entry.ExpiresAt is { } expires ? expires : RedisValue.EmptyString;
        }

        return (redisKeys, args);
    }
}
