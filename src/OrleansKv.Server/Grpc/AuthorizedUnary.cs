using Google.Protobuf;
using OrleansKv.Grpc;
using OrleansKv.Server.Auth;

namespace OrleansKv.Server.Grpc;

/// <summary>
/// A unary KvStore method: authenticates the caller, checks its scope, runs the handler and maps what escapes it
/// through <see cref="GrpcErrors.FromException"/>, in one async method (one state machine per call, not three).
/// </summary>
internal sealed class AuthorizedUnary<TRequest, TResponse>(
    CredentialValidator validator,
    KvScopes scope,
    Func<TRequest, KvPrincipal, GrpcCallContext, ValueTask<TResponse>> handler)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public async ValueTask<TResponse> InvokeAsync(TRequest request, GrpcCallContext call)
    {
        try
        {
            var caller = await GrpcAuth.AuthenticateAsync(call, validator);
            GrpcAuth.RequireScope(caller, scope);
            return await handler(request, caller, call);
        }
        catch (Exception ex) when (GrpcErrors.FromException(ex) is { } status)
        {
            throw status;
        }
    }
}
