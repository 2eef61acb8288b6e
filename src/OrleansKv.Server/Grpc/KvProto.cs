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
            throw GrpcErrors.InvalidArgument(where is null ? problem : $"{where}: {problem}");
        }
    }

    public static void CheckPrefix(string prefix)
    {
        if (Encoding.UTF8.GetByteCount(prefix) > KeyRules.MaxKeyBytes)
        {
            throw GrpcErrors.InvalidArgument($"prefix is longer than {KeyRules.MaxKeyBytes} bytes.");
        }
    }

    public static void CheckValue(ByteString value, int maxValueBytes, string? where = null)
    {
        if (value.Length > maxValueBytes)
        {
            var message = $"The value is {value.Length} bytes; at most {maxValueBytes} bytes are accepted (MAX_VALUE_BYTES).";
            throw GrpcErrors.InvalidArgument(where is null ? message : $"{where}: {message}");
        }
    }

    /// <summary>null when empty; INVALID_ARGUMENT when longer than 256 characters.</summary>
    public static string? ContentType(string contentType, string? where = null) => contentType.Length switch
    {
        0 => null,
        > MaxContentTypeLength => throw GrpcErrors.InvalidArgument(Prefixed(where, "content_type is longer than 256 characters.")),
        _ => contentType,
    };

    /// <summary>The TTL of an optional <c>ttl_seconds</c>: 1 to 315360000 (ten years).</summary>
    public static TimeSpan? Ttl(bool hasTtl, long seconds, string? where = null) => hasTtl switch
    {
        false => null,
        true when seconds is >= 1 and <= MaxTtlSeconds => TimeSpan.FromSeconds(seconds),
        _ => throw GrpcErrors.InvalidArgument(Prefixed(where, "ttl_seconds must be a whole number from 1 to 315360000 (ten years).")),
    };

    /// <summary>
    /// An optional <c>if_match</c>: null when absent, <see cref="SetCommand.AnyVersion"/> for <c>*</c>, else a quoted
    /// (<c>"12"</c>) or bare (<c>12</c>) version; anything else is INVALID_ARGUMENT.
    /// </summary>
    public static long? IfMatch(bool hasIfMatch, string ifMatch, string? where = null)
    {
        if (!hasIfMatch)
        {
            return null;
        }

        if (ifMatch.Trim() == "*")
        {
            return SetCommand.AnyVersion;
        }

        return KvHttp.TryParseETag(ifMatch, out var version)
            ? version
            : throw GrpcErrors.InvalidArgument(Prefixed(where, $"if_match '{Shorten(ifMatch)}' is not an ETag (\"12\", 12 or *)."));
    }

    private static string Prefixed(string? where, string message) => where is null ? message : $"{where}: {message}";

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
