namespace OrleansKv.Server.Auth;

/// <summary>
/// Signs a request in from its bearer credential, for REST and gRPC alike: the credential is checked by
/// <see cref="CredentialValidator"/> and the principal is kept on the request (see <see cref="KvPrincipal.From"/>).
/// </summary>
internal static class KvAuthentication
{
    /// <summary>The caller's principal, or why there is none; HadCredential tells a missing credential from a bad one.</summary>
    public static async ValueTask<(KvPrincipal? Principal, string? Failure, bool HadCredential)> AuthenticateAsync(HttpContext context, CredentialValidator validator)
    {
        if (!BearerCredential.TryGet(context.Request, out var credential, out var problem))
        {
            return (null, problem, context.Request.Headers.Authorization.Count > 0);
        }

        var result = await validator.ValidateAsync(credential.Span, context.RequestAborted);
        if (result.Principal is not { } principal)
        {
            return (null, result.Failure ?? "The credential is not valid.", true);
        }

        context.Features.Set(principal);
        return (principal, null, true);
    }
}
