using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace OrleansKv.Server.Auth;

/// <summary>
/// Authentication and authorization for the TCP protocols, which have no HTTP request to run ASP.NET Core's
/// middleware on: a credential given in-band (AUTH) is checked the way the default scheme checks a
/// header (a JWT by the JwtBearer scheme's own token handler and validation parameters, anything
/// else by <see cref="OpaqueTokenValidator"/>), and what it may do is decided by the same policies.
/// </summary>
internal sealed class CredentialAuthenticator(
    OpaqueTokenValidator opaque,
    IOptionsMonitor<JwtBearerOptions> jwtOptions,
    IAuthorizationService authorization,
    JwtSettings? jwt = null)
{
    public async ValueTask<CredentialResult> AuthenticateAsync(string credential, CancellationToken cancellationToken)
    {
        if (jwt is null || !OpaqueTokenValidator.LooksLikeJwt(credential))
        {
            return await opaque.ValidateAsync(credential, cancellationToken);
        }

        var options = jwtOptions.Get(KvAuthSchemes.Jwt);
        var validated = await options.TokenHandlers[0].ValidateTokenAsync(credential, options.TokenValidationParameters);
        if (!validated.IsValid)
        {
            return CredentialResult.Fail(JwtBearerSetup.Reason(validated.Exception));
        }

        var (principal, failure) = JwtBearerSetup.ToPrincipal(validated.ClaimsIdentity);
        return new CredentialResult(principal, failure);
    }

    /// <summary>Whether <paramref name="principal"/> satisfies the named policy.</summary>
    public async ValueTask<bool> AllowsAsync(KvPrincipal principal, string policy) =>
        (await authorization.AuthorizeAsync(KvIdentity.SignIn(principal, KvAuthSchemes.Bearer), policy)).Succeeded;
}
