using Grpc.Core;
using Grpc.Core.Interceptors;

namespace OrleansKv.Server.Grpc;

/// <summary>
/// Wraps every <c>orleanskv.v1.KvStore</c> call (authentication and authorization ran before it, in the standard
/// middleware, by the policy each method carries): maps what escapes the handler through
/// <see cref="GrpcErrors.FromException"/>, and keeps responses uncompressed unless the request itself came
/// gzip-compressed (the server's default response encoding is gzip).
/// </summary>
internal sealed class KvGrpcInterceptor : Interceptor
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
            throw status;
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
            throw status;
        }
    }

    private static void ChooseCompression(ServerCallContext context)
    {
        if (!string.Equals(context.GetHttpContext().Request.Headers["grpc-encoding"], "gzip", StringComparison.Ordinal))
        {
            context.WriteOptions = Uncompressed;
        }
    }
}
