using OrleansKv.Grpc;
using OrleansKv.Server.Auth;

namespace OrleansKv.Server.Grpc;

/// <summary>
/// Authentication and scope checks of a gRPC call. The credential is the <c>authorization: Bearer ...</c>
/// metadata, checked by the same <see cref="CredentialValidator"/> as REST (<see cref="KvAuthMiddleware"/> leaves
/// gRPC methods to this check, so a call's credential is validated once).
/// </summary>
internal static class GrpcAuth
{
    /// <summary>The policy name a method's descriptor carries for <paramref name="scope"/>.</summary>
    public static string PolicyOf(KvScopes scope) => scope switch
    {
        KvScopes.Read => KvPolicies.Read,
        KvScopes.Write => KvPolicies.Write,
        _ => KvPolicies.Admin,
    };

    /// <summary>The caller, or UNAUTHENTICATED when the credential is missing or bad.</summary>
    public static async ValueTask<KvPrincipal> AuthenticateAsync(GrpcCallContext call, CredentialValidator validator)
    {
        var (principal, failure, _) = await KvAuthentication.AuthenticateAsync(call.HttpContext, validator);
        return principal ?? throw new RpcException(
            StatusCode.Unauthenticated,
            failure ?? "A bearer credential is required (metadata authorization: Bearer <token>).");
    }

    /// <summary>The caller's namespace, or PERMISSION_DENIED when it lacks <paramref name="scope"/> or has no namespace.</summary>
    public static string RequireScope(KvPrincipal principal, KvScopes scope) =>
        KvPolicies.Allows(principal, scope, needsNamespace: true)
            ? principal.Namespace!
            : throw new RpcException(
                StatusCode.PermissionDenied,
                principal.Namespace is null
                    ? "The credential has no namespace; it cannot read or write keys."
                    : $"The credential lacks the '{KvPrincipal.ScopeNames(scope)[0]}' scope this call needs.");
}
