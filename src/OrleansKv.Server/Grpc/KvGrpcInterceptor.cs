using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authorization;
using OrleansKv.Server.Auth;

namespace OrleansKv.Server.Grpc;

/// <summary>
/// Wraps every <c>orleanskv.v1.KvStore</c> call: signs the caller in and checks the policy its method carries
/// (<see cref="AuthorizeAttribute"/> on the service method, <see cref="AllowAnonymousAttribute"/> for none), maps what
/// escapes the handler through <see cref="GrpcErrors.FromException"/> (logging internal failures, whose details the
/// client does not see), and keeps responses uncompressed unless the
/// request itself came gzip-compressed (the server's default response encoding is gzip).
/// </summary>
internal sealed partial class KvGrpcInterceptor(CredentialValidator validator, ILogger<KvGrpcInterceptor> logger) : Interceptor
{
    private static readonly WriteOptions Uncompressed = new(WriteFlags.NoCompress);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await AuthorizeAsync(context);
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
            await AuthorizeAsync(context);
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (GrpcErrors.FromException(ex) is { } status)
        {
            throw Logged(ex, status, context);
        }
    }

    private ValueTask AuthorizeAsync(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        if (!string.Equals(http.Request.Headers["grpc-encoding"], "gzip", StringComparison.Ordinal))
        {
            context.WriteOptions = Uncompressed;
        }

        var metadata = http.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<IAllowAnonymous>() is not null)
        {
            return ValueTask.CompletedTask;
        }

        // A method without a policy is refused: the audit test keeps that from shipping.
        var policy = metadata?.GetMetadata<IAuthorizeData>()?.Policy ?? KvPolicies.Admin;
        return AuthorizeAsync(http, policy);
    }

    private async ValueTask AuthorizeAsync(HttpContext http, string policy)
    {
        var caller = await GrpcAuth.AuthenticateAsync(http, validator);
        GrpcAuth.RequirePolicy(caller, policy);
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
