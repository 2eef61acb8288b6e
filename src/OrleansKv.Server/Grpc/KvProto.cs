using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using OrleansKv.Grains;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Grpc;

/// <summary>Conversions and argument checks between the protobuf messages and the grain's model.</summary>
internal static class KvProto
{
    private const int MaxContentTypeLength = 256;
    private const long MaxTtlSeconds = 315_360_000;

    /// <summary>The quoted version, as REST's ETag: <c>"12"</c>.</summary>
    public static string ETag(long version) => KvHttp.ETag(version);

    public static Timestamp Time(long unixMs) => Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));

    public static Timestamp? Time(long? unixMs) => unixMs is { } ms ? Time(ms) : null;

    /// <summary>Wraps stored bytes without a copy; they are never mutated once stored.</summary>
    public static ByteString Bytes(byte[] value) => UnsafeByteOperations.UnsafeWrap(value);

    /// <summary>
    /// A request value's bytes, without a copy when the ByteString owns a whole array (parsing gives each bytes field
    /// its own array, and the request message is dropped once the call is made); otherwise a copy.
    /// </summary>
    public static byte[] Array(ByteString value) =>
        MemoryMarshal.TryGetArray(value.Memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : value.ToByteArray();

    public static void CheckKey(string key, string? where = null)
    {
        if (KeyRules.ValidateKey(key) is { } problem)
        {
            throw new KvErrorException(KvErrorCode.InvalidKey, Prefixed(where, problem));
        }
    }

    public static void CheckPrefix(string prefix)
    {
        if (Encoding.UTF8.GetByteCount(prefix) > KeyRules.MaxKeyBytes)
        {
            throw new KvErrorException(KvErrorCode.InvalidPrefix, $"prefix is longer than {KeyRules.MaxKeyBytes} bytes.");
        }
    }

    public static void CheckValue(ByteString value, int maxValueBytes, string? where = null)
    {
        if (value.Length > maxValueBytes)
        {
            throw new KvErrorException(
                KvErrorCode.ValueTooLarge, Prefixed(where, $"The value is {value.Length} bytes; at most {maxValueBytes} bytes are accepted (MAX_VALUE_BYTES)."));
        }
    }

    /// <summary>null when empty; <see cref="KvErrorCode.InvalidContentType"/> when longer than 256 characters.</summary>
    public static string? ContentType(string contentType, string? where = null) => contentType.Length switch
    {
        0 => null,
        > MaxContentTypeLength => throw new KvErrorException(KvErrorCode.InvalidContentType, Prefixed(where, "content_type is longer than 256 characters.")),
        _ => contentType,
    };

    /// <summary>The TTL of an optional <c>ttl_seconds</c>: 1 to 315360000 (ten years).</summary>
    public static TimeSpan? Ttl(bool hasTtl, long seconds, string? where = null) => hasTtl switch
    {
        false => null,
        true when seconds is >= 1 and <= MaxTtlSeconds => TimeSpan.FromSeconds(seconds),
        _ => throw new KvErrorException(KvErrorCode.InvalidTtl, Prefixed(where, "ttl_seconds must be a whole number from 1 to 315360000 (ten years).")),
    };

    /// <summary>
    /// An optional <c>if_match</c>: null when absent, else read as REST reads If-Match (<see cref="KvHttp.IfMatch"/>):
    /// a malformed one is <see cref="KvErrorCode.InvalidCondition"/> on both.
    /// </summary>
    public static long? IfMatch(bool hasIfMatch, string ifMatch, string? where = null) =>
        hasIfMatch ? KvHttp.IfMatch(ifMatch.Length == 0 ? "\"\"" : ifMatch, Prefixed(where, "if_match")) : null;

    private static string Prefixed(string? where, string message) => where is null ? message : $"{where}: {message}";
}
