using System.Text;
using StackExchange.Redis;

namespace OrleansKv.Grains.Storage.Redis;

/// <summary>
/// The fields of an entry hash, <c>&lt;prefix&gt;{ns}:e:&lt;key&gt;</c>: <c>value</c> (bytes), <c>type</c> (content type,
/// absent when none), <c>sha256</c> (32 bytes), <c>version</c>, <c>created</c>, <c>updated</c>, <c>expires</c> (unix ms,
/// absent without a TTL) and <c>size</c> (value length, so listings and stats never read values). The commit script
/// (<see cref="RedisScripts"/>) writes the same names.
/// </summary>
internal static class RedisEntryFields
{
    private static readonly RedisValue Value = "value";
    private static readonly RedisValue ContentType = "type";
    private static readonly RedisValue Sha256 = "sha256";
    private static readonly RedisValue Version = "version";
    private static readonly RedisValue Created = "created";
    private static readonly RedisValue Updated = "updated";
    private static readonly RedisValue Expires = "expires";
    private static readonly RedisValue Size = "size";

    /// <summary>What a point read fetches, in the order <see cref="ToEntry"/> expects.</summary>
    public static readonly RedisValue[] Read = [Value, ContentType, Sha256, Version, Created, Updated, Expires];

    /// <summary>What a listing fetches per key, in the order <see cref="ToSummary"/> expects.</summary>
    public static readonly RedisValue[] Summary = [Size, Version, Expires];

    /// <summary>What a sweep needs per expired key.</summary>
    public static RedisValue VersionField => Version;

    /// <summary>The entry read by HMGET of <see cref="Read"/>, or null when the hash does not exist.</summary>
    public static StoredEntry? ToEntry(string key, RedisValue[] fields)
    {
        if (fields[0].IsNull)
        {
            return null;
        }

        return new StoredEntry(
            key,
            (byte[])fields[0]!,
            fields[1].IsNull ? null : Encoding.UTF8.GetString((byte[])fields[1]!),
            (byte[])fields[2]!,
            (long)fields[3],
            (long)fields[4],
            (long)fields[5],
            fields[6].IsNull ? null : (long)fields[6]);
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
