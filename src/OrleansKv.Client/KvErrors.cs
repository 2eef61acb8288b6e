using Grpc.Core;

namespace OrleansKv.Client;

/// <summary>The client's one translation of <see cref="RpcException"/> statuses into typed exceptions.</summary>
internal static class KvErrors
{
    public static Exception Translate(RpcException rpc, CancellationToken cancellationToken)
    {
        var message = string.IsNullOrEmpty(rpc.Status.Detail) ? rpc.StatusCode.ToString() : rpc.Status.Detail;
        return rpc.StatusCode switch
        {
            StatusCode.Cancelled when cancellationToken.IsCancellationRequested => new OperationCanceledException(message, rpc, cancellationToken),
            StatusCode.NotFound => new KvNotFoundException(message, rpc),
            StatusCode.FailedPrecondition => new KvPreconditionFailedException(message, rpc),
            StatusCode.Unauthenticated => new KvUnauthenticatedException(message, rpc),
            StatusCode.PermissionDenied => new KvPermissionDeniedException(message, rpc),
            StatusCode.InvalidArgument => new KvInvalidArgumentException(message, rpc),
            StatusCode.ResourceExhausted => new KvResourceExhaustedException(message, rpc),
            StatusCode.DeadlineExceeded => new KvDeadlineExceededException(message, rpc),
            StatusCode.Unavailable => new KvUnavailableException(message, rpc),
            _ => new KvException((KvStatusCode)rpc.StatusCode, message, rpc),
        };
    }
}
