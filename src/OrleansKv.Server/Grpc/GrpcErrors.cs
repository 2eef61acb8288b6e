using Grpc.Core;
using OrleansKv.Grains;
using OrleansKv.Server.Errors;

namespace OrleansKv.Server.Grpc;

/// <summary>
/// The gRPC edge's one translation of an error code into a status code. The error's code name travels in the
/// <see cref="CodeTrailer"/> trailer, so a client can tell <c>invalid_key</c> from <c>invalid_ttl</c> as REST's
/// <c>"code"</c> does.
/// </summary>
internal static class GrpcErrors
{
    /// <summary>The trailer that carries the error's code name.</summary>
    public const string CodeTrailer = "kv-error-code";

    public static StatusCode StatusOf(KvErrorCode code) => code switch
    {
        _ when code.IsBadRequest() => StatusCode.InvalidArgument,
        KvErrorCode.Unauthenticated => StatusCode.Unauthenticated,
        KvErrorCode.Forbidden => StatusCode.PermissionDenied,
        KvErrorCode.NotFound => StatusCode.NotFound,
        KvErrorCode.UnknownRoute or KvErrorCode.MethodNotAllowed or KvErrorCode.UnsupportedMediaType or KvErrorCode.JwtDisabled
            => StatusCode.Unimplemented,
        KvErrorCode.BinaryValue or KvErrorCode.PreconditionFailed => StatusCode.FailedPrecondition,
        KvErrorCode.ValueTooLarge or KvErrorCode.QuotaExceeded or KvErrorCode.RateLimited => StatusCode.ResourceExhausted,
        KvErrorCode.Unavailable => StatusCode.Unavailable,
        KvErrorCode.Internal => StatusCode.Internal,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "The error code has no gRPC status."),
    };

    /// <summary>The status a client receives for <paramref name="error"/>, with its code name as a trailer.</summary>
    public static RpcException ToRpcException(KvError error) =>
        new(new Status(StatusOf(error.Code), error.Message), new Metadata { { CodeTrailer, error.CodeName } });

    /// <summary>The status of a key operation's result; null for success.</summary>
    public static RpcException? FromStatus(KvStatus status) => KvStatusErrors.Of(status) is { } error ? ToRpcException(error) : null;

    /// <summary>
    /// The status of an exception that escaped a handler; null leaves it to Grpc.AspNetCore (an <see cref="RpcException"/>
    /// already is one; cancellation becomes CANCELLED or DEADLINE_EXCEEDED).
    /// </summary>
    public static RpcException? FromException(Exception exception) =>
        exception is not RpcException && KvErrorClassifier.Classify(exception) is { } error ? ToRpcException(error) : null;
}
