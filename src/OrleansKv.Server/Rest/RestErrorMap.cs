using OrleansKv.Grains;

namespace OrleansKv.Server.Rest;

/// <summary>The REST edge's one translation of an error code into an HTTP status.</summary>
public static class RestErrorMap
{
    public static int Status(KvErrorCode code) => code switch
    {
        _ when code.IsBadRequest() => StatusCodes.Status400BadRequest,
        KvErrorCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        KvErrorCode.Forbidden => StatusCodes.Status403Forbidden,
        KvErrorCode.NotFound or KvErrorCode.UnknownRoute => StatusCodes.Status404NotFound,
        KvErrorCode.MethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
        KvErrorCode.BinaryValue => StatusCodes.Status409Conflict,
        KvErrorCode.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        KvErrorCode.ValueTooLarge => StatusCodes.Status413PayloadTooLarge,
        KvErrorCode.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        KvErrorCode.RateLimited => StatusCodes.Status429TooManyRequests,
        KvErrorCode.Internal => StatusCodes.Status500InternalServerError,
        KvErrorCode.JwtDisabled => StatusCodes.Status501NotImplemented,
        KvErrorCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        KvErrorCode.QuotaExceeded => StatusCodes.Status507InsufficientStorage,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "The error code has no HTTP status."),
    };
}
