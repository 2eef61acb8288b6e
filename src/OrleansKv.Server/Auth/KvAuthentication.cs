using System.Runtime.CompilerServices;
using System.Security.Claims;

namespace OrleansKv.Server.Auth;

/// <summary>
/// Signs a request in from its bearer credential, once per request, for REST and gRPC alike: the credential is
/// checked by <see cref="CredentialValidator"/> and the request's user becomes the principal's claims (built once
/// per principal and reused, since principals are cached by the validator).
/// </summary>
internal static class KvAuthentication
{
    private static readonly ConditionalWeakTable<KvPrincipal, ClaimsPrincipal> Claims = [];

    /// <summary>The caller's principal, or why there is none; HadCredential tells a missing credential from a bad one.</summary>
    public static async ValueTask<(KvPrincipal? Principal, string? Failure, bool HadCredential)> AuthenticateAsync(HttpContext context, CredentialValidator validator)
    {
        // Read through the feature: HttpContext.User would create an empty principal when none is set yet.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.Authentication.IHttpAuthenticationFeature>()?.User?.Identity is KvIdentity { IsAuthenticated: true } signedIn)
        {
            return (signedIn.Principal, null, true);
        }

        if (!BearerCredential.TryGet(context.Request, out ReadOnlyMemory<char> credential, out var problem))
        {
            return (null, problem, context.Request.Headers.Authorization.Count > 0);
        }

        var result = await validator.ValidateAsync(credential.Span, context.RequestAborted);
        if (result.Principal is not { } principal)
        {
            return (null, result.Failure ?? "The credential is not valid.", true);
        }

        context.User = Claims.GetValue(principal, static p => p.ToClaimsPrincipal());
        return (principal, null, true);
    }
}
