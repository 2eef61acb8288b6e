using System.Text;
using StackExchange.Redis;

namespace OrleansKv.Grains.Storage.Redis;

/// <summary>
/// The fields of an entry hash, <c>&lt;prefix&gt;{ns}:e:&lt;key&gt;</c>: <c>type</c> (content type, absent when none),
/// <c>sha256</c> (32 bytes, which names the content's object), <c>version</c>, <c>created</c>, <c>updated</c>,
/// <c>expires</c> (unix ms, absent without a TTL) and <c>size</c> (value length, so listings and stats never read
/// values). An entry written before contents were deduplicated also has <c>value</c>. The scripts
/// (<see cref="RedisScripts"/>) write the same names.
/// </summary>
internal static class RedisEntryFields
{
    private static readonly RedisValue Version = "version";
    private static readonly RedisValue Expires = "expires";
    private static readonly RedisValue Size = "size";

    /// <summary>What a listing fetches per key, in the order <see cref="ToSummary"/> expects.</summary>
    public static readonly RedisValue[] Summary = [Size, Version, Expires];

    /// <summary>What a sweep needs per expired key.</summary>
    public static RedisValue VersionField => Version;

    /// <summary>The entry the read script returned, or null when the hash does not exist.</summary>
    public static StoredEntry? ToEntry(string key, RedisResult result)
    {
        if (result.IsNull)
        {
            return null;
        }

        var f = (RedisResult[])result!;
        var size = (long)f[6];
        var data = (byte[]?)f[7] ?? throw new NamespaceStoreException($"The entry '{key}' points at content that is not stored.");
        return new StoredEntry(
            key,
            ValueCompression.Decode(data, (ValueEncoding)(int)f[8], size),
            f[0].IsNull ? null : Encoding.UTF8.GetString((byte[])f[0]!),
            ContentHash.Of((byte[])f[1]!),
            (long)f[2],
            (long)f[3],
            (long)f[4],
            f[5].IsNull ? null : (long)f[5])
        {
            Refs = f[9].IsNull ? 1 : (long)f[9],
        };
    }

    /// <summary>The summary read by HMGET of <see cref="Summary"/>, or null when the hash does not exist (Redis
    /// expired it natively) or the entry is expired at <paramref name="nowUnixMs"/>.</summary>
    public static EntrySummary? ToSummary(string key, RedisValue[] fields, long nowUnixMs)
    {
        if (fields[0].IsNull)
        {
            return null;
        }

        long? expires = fields[2].IsNull ? null : (long)fields[2];
        if (expires is { } e && e <= nowUnixMs)
        {
            return null;
        }

        return new EntrySummary(key, (long)fields[0], (long)fields[1], expires);
    }
}
