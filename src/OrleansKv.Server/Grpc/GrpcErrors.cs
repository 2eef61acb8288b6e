using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Grpc;
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
        KvStatus.NotFound => new RpcException(StatusCode.NotFound, "The key does not exist."),
        KvStatus.PreconditionFailed => new RpcException(StatusCode.FailedPrecondition, "The if_match / if_none_match condition does not hold."),
        _ => new RpcException(StatusCode.Aborted, "The operation was not applied."),
    };

    /// <summary>
    /// The status of an exception thrown by a grain call; null leaves it to the gRPC layer (cancellation becomes
    /// CANCELLED or DEADLINE_EXCEEDED, anything unexpected INTERNAL with nothing of it sent to the client).
    /// </summary>
    public static RpcException? FromException(Exception exception) => exception switch
    {
        RpcException or OperationCanceledException => null,
        NamespaceQuotaException or Limits.RateLimitedException => new RpcException(StatusCode.ResourceExhausted, exception.Message),
        ArgumentException argument => new RpcException(StatusCode.InvalidArgument, FirstLine(argument.Message)),
        NamespaceStoreException => StorageUnavailable(),
        NamespaceMovedException => new RpcException(StatusCode.Unavailable, "The namespace is moving between silos; nothing was applied. Retry."),
        _ when NamespaceCalls.IsClusterFailure(exception) =>
            new RpcException(StatusCode.Unavailable, "The silo that owns the namespace did not answer; the outcome of a write in flight is unknown. Retry."),
        _ => null,
    };

    public static RpcException InvalidArgument(string message) => new(StatusCode.InvalidArgument, message);

    private static RpcException StorageUnavailable() =>
        new(StatusCode.Unavailable, "Storage is unavailable; the outcome of a write in flight is unknown. Retry.");

    private static string FirstLine(string message)
    {
        var end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
