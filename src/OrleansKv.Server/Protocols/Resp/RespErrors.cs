using OrleansKv.Grains;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>
/// The RESP edge's one translation of an error code into a Redis error reply: Redis's own prefixes where Redis has
/// one (<c>NOAUTH</c>, <c>NOPERM</c>), <c>ERR</c> for the rest, as redis-cli and client libraries expect.
/// </summary>
internal static class RespErrors
{
    public static string Prefix(KvErrorCode code) => code switch
    {
        KvErrorCode.Unauthenticated => "NOAUTH",
        KvErrorCode.Forbidden => "NOPERM",
        KvErrorCode.InvalidArgument or KvErrorCode.InvalidKey or KvErrorCode.InvalidTtl or KvErrorCode.InvalidCondition
            or KvErrorCode.InvalidContentType or KvErrorCode.InvalidValue or KvErrorCode.InvalidOp or KvErrorCode.InvalidPrefix
            or KvErrorCode.InvalidLimit or KvErrorCode.InvalidOffset or KvErrorCode.OffsetTooLarge or KvErrorCode.InvalidCursor
            or KvErrorCode.InvalidNamespace or KvErrorCode.InvalidScopes or KvErrorCode.InvalidLimits or KvErrorCode.MalformedJson
            or KvErrorCode.MissingValue or KvErrorCode.EmptyBatch or KvErrorCode.BatchTooLarge or KvErrorCode.BadRequest
            or KvErrorCode.NotFound or KvErrorCode.UnknownRoute or KvErrorCode.MethodNotAllowed or KvErrorCode.UnsupportedMediaType
            or KvErrorCode.BinaryValue or KvErrorCode.PreconditionFailed or KvErrorCode.ValueTooLarge or KvErrorCode.QuotaExceeded
            or KvErrorCode.RateLimited or KvErrorCode.Unavailable or KvErrorCode.JwtDisabled or KvErrorCode.Internal
            => "ERR",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "The error code has no RESP prefix."),
    };

    /// <summary>The error reply's text (without the leading <c>-</c>).</summary>
    public static string Reply(KvError error) => Prefix(error.Code) + " " + error.Message;
}
