using Grpc.Core;
using OrleansKv.Server.Auth;

namespace OrleansKv.Server.Grpc;

/// <summary>
/// Authentication and scope checks of a gRPC call. The credential is the <c>authorization: Bearer ...</c>
/// metadata, checked by the same <see cref="CredentialValidator"/> as REST (<see cref="KvAuthMiddleware"/> leaves
/// gRPC methods to <see cref="KvGrpcInterceptor"/>, so a call's credential is validated once).
/// </summary>
internal static class GrpcAuth
{
    /// <summary>The caller, or UNAUTHENTICATED when the credential is missing or bad.</summary>
    public static async ValueTask<KvPrincipal> AuthenticateAsync(HttpContext context, CredentialValidator validator)
    {
        var (principal, failure, _) = await KvAuthentication.AuthenticateAsync(context, validator);
        return principal ?? throw new RpcException(new Status(
            StatusCode.Unauthenticated,
            failure ?? "A bearer credential is required (metadata authorization: Bearer <token>)."));
    }

    /// <summary>PERMISSION_DENIED unless <paramref name="principal"/> satisfies the named <paramref name="policy"/>.</summary>
    public static void RequirePolicy(KvPrincipal principal, string policy)
    {
        if (!KvPolicies.Allows(principal, policy))
        {
            throw Denied(principal, policy == KvPolicies.Write ? KvScopes.Write : policy == KvPolicies.Read ? KvScopes.Read : KvScopes.Admin);
        }
    }

    /// <summary>The caller's namespace, or PERMISSION_DENIED when it lacks <paramref name="scope"/> or has no namespace.</summary>
    public static string RequireScope(KvPrincipal principal, KvScopes scope) =>
        KvPolicies.Allows(principal, scope, needsNamespace: true) ? principal.Namespace! : throw Denied(principal, scope);

    /// <summary>The principal <see cref="KvGrpcInterceptor"/> signed the call in with.</summary>
    public static KvPrincipal Caller(ServerCallContext context) =>
        context.GetHttpContext().Features.Get<KvPrincipal>()
        ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "The call carries no credential."));

    private static RpcException Denied(KvPrincipal principal, KvScopes scope) =>
        new(new Status(
            StatusCode.PermissionDenied,
            principal.Namespace is null && scope != KvScopes.Admin
                ? "The credential has no namespace; it cannot read or write keys."
                : $"The credential lacks the '{KvPrincipal.ScopeNames(scope)[0]}' scope this call needs."));
}
