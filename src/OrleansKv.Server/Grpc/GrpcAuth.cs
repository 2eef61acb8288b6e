using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using OrleansKv.Grains;
using OrleansKv.Server.Auth;

namespace OrleansKv.Server.Grpc;

/// <summary>The caller of a gRPC call, as the authorization middleware let it in, and policies decided in a handler.</summary>
internal static class GrpcAuth
{
    /// <summary>The principal the call was signed in with.</summary>
    public static KvPrincipal Caller(ServerCallContext context) =>
        KvPrincipal.From(context.GetHttpContext())
        ?? throw GrpcErrors.ToRpcException(new KvError(KvErrorCode.Unauthenticated, "The call carries no credential."));

    /// <summary>PERMISSION_DENIED unless the caller satisfies <paramref name="policy"/>.</summary>
    public static async ValueTask RequirePolicyAsync(this IAuthorizationService authorization, ServerCallContext context, string policy)
    {
        if (await authorization.DenialAsync(context.GetHttpContext().User, policy) is { } denial)
        {
            throw GrpcErrors.ToRpcException(new KvError(KvErrorCode.Forbidden, denial));
        }
    }
}
