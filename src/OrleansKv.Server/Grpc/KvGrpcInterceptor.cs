using Grpc.Core;
using Grpc.Core.Interceptors;

namespace OrleansKv.Server.Grpc;

/// <summary>
/// Wraps every <c>orleanskv.v1.KvStore</c> call (authentication and authorization ran before it, in the standard
/// middleware, by the policy each method carries): maps what escapes the handler through
/// <see cref="GrpcErrors.FromException"/> (logging internal failures, whose details the client does not see), and
/// keeps responses uncompressed unless the request itself came gzip-compressed (the server's default response
/// encoding is gzip).
/// </summary>
internal sealed partial class KvGrpcInterceptor(ILogger<KvGrpcInterceptor> logger) : Interceptor
{
    private static readonly WriteOptions Uncompressed = new(WriteFlags.NoCompress);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            ChooseCompression(context);
            return await continuation(request, context);
        }
        catch (Exception ex) when (GrpcErrors.FromException(ex) is { } status)
        {
            throw Logged(ex, status, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            ChooseCompression(context);
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (GrpcErrors.FromException(ex) is { } status)
        {
            throw Logged(ex, status, context);
        }
    }

    private static void ChooseCompression(ServerCallContext context)
    {
        if (!string.Equals(context.GetHttpContext().Request.Headers["grpc-encoding"], "gzip", StringComparison.Ordinal))
        {
            context.WriteOptions = Uncompressed;
        }
    }

    private RpcException Logged(Exception exception, RpcException status, ServerCallContext context)
    {
        if (status.StatusCode == StatusCode.Internal)
        {
            LogFailed(logger, exception, context.Method);
        }

        return status;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "gRPC call {Method} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method);
}
