using OrleansKv.Grains;

namespace OrleansKv.Server.Protocols.Text;

/// <summary>
/// The text protocol's one translation of an error into its <c>ERROR &lt;message&gt;</c> line: the protocol has no
/// codes, so the line carries the error's sentence, and nothing of an internal failure.
/// </summary>
internal static class TextErrors
{
    public static string Message(KvError error) => error.Code switch
    {
        KvErrorCode.Internal => "internal error",
        KvErrorCode.InvalidArgument or KvErrorCode.InvalidKey or KvErrorCode.InvalidTtl or KvErrorCode.InvalidCondition
            or KvErrorCode.InvalidContentType or KvErrorCode.InvalidValue or KvErrorCode.InvalidOp or KvErrorCode.InvalidPrefix
            or KvErrorCode.InvalidLimit or KvErrorCode.InvalidOffset or KvErrorCode.OffsetTooLarge or KvErrorCode.InvalidCursor
            or KvErrorCode.InvalidNamespace or KvErrorCode.InvalidScopes or KvErrorCode.InvalidLimits or KvErrorCode.MalformedJson
            or KvErrorCode.MissingValue or KvErrorCode.EmptyBatch or KvErrorCode.BatchTooLarge or KvErrorCode.BadRequest
            or KvErrorCode.NotFound or KvErrorCode.UnknownRoute or KvErrorCode.MethodNotAllowed or KvErrorCode.UnsupportedMediaType
            or KvErrorCode.BinaryValue or KvErrorCode.PreconditionFailed or KvErrorCode.ValueTooLarge or KvErrorCode.QuotaExceeded
            or KvErrorCode.RateLimited or KvErrorCode.Unavailable or KvErrorCode.JwtDisabled or KvErrorCode.Unauthenticated
            or KvErrorCode.Forbidden
            => error.Message,
        _ => throw new ArgumentOutOfRangeException(nameof(error), error.Code, "The error code has no text-protocol line."),
    };
}
