using Grpc.Core;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Server.Namespaces;

namespace OrleansKv.Server.Grpc;

/// <summary>
/// The gRPC edge's one translation of outcomes into statuses: grain status results and the exceptions that
/// escape a grain call (the same classes <c>ApiExceptionHandler.Classify</c> maps for REST).
/// </summary>
internal static class GrpcErrors
{
    /// <summary>The status of a key operation's result; null for success.</summary>
    public static RpcException? FromStatus(KvStatus status) => status switch
    {
        KvStatus.Ok or KvStatus.Created => null,
        KvStatus.NotFound => Error(StatusCode.NotFound, "The key does not exist."),
        KvStatus.PreconditionFailed => Error(StatusCode.FailedPrecondition, "The if_match / if_none_match condition does not hold."),
        _ => Error(StatusCode.Aborted, "The operation was not applied."),
    };

    /// <summary>
    /// The status of an exception thrown by a grain call; null leaves it to Grpc.AspNetCore (cancellation becomes
    /// CANCELLED or DEADLINE_EXCEEDED, anything unexpected UNKNOWN with nothing of it sent to the client).
    /// </summary>
    public static RpcException? FromException(Exception exception) => exception switch
    {
        RpcException or OperationCanceledException => null,
        NamespaceQuotaException or Limits.RateLimitedException => Error(StatusCode.ResourceExhausted, exception.Message),
        ArgumentException argument => Error(StatusCode.InvalidArgument, FirstLine(argument.Message)),
        NamespaceStoreException => Error(StatusCode.Unavailable, "Storage is unavailable; the outcome of a write in flight is unknown. Retry."),
        NamespaceMovedException => Error(StatusCode.Unavailable, "The namespace is moving between silos; nothing was applied. Retry."),
        _ when NamespaceCalls.IsClusterFailure(exception) =>
            Error(StatusCode.Unavailable, "The silo that owns the namespace did not answer; the outcome of a write in flight is unknown. Retry."),
        _ => null,
    };

    public static RpcException InvalidArgument(string message) => Error(StatusCode.InvalidArgument, message);

    private static RpcException Error(StatusCode code, string message) => new(new Status(code, message));

    private static string FirstLine(string message)
    {
        var end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
