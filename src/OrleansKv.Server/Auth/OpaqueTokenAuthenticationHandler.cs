using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace OrleansKv.Server.Auth;

/// <summary>
/// The <see cref="KvAuthSchemes.OpaqueToken"/> scheme: signs a request in with the opaque bearer token of its
/// <c>Authorization</c> header (REST header or gRPC metadata), checked by <see cref="OpaqueTokenValidator"/>.
/// No header is no result (the policy then challenges); a header that is not one bearer token, or a token that
/// is unknown, revoked or expired, fails with the reason the 401 gives.
/// </summary>
internal sealed class OpaqueTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OpaqueTokenValidator validator) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers.Authorization.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (!BearerCredential.TryGet(Request, out var credential, out var problem))
        {
            return AuthenticateResult.Fail(problem!);
        }

        var result = await validator.ValidateAsync(credential.Span, Context.RequestAborted);
        return result.Principal is { } principal
            ? AuthenticateResult.Success(new AuthenticationTicket(KvIdentity.SignIn(principal, Scheme.Name), Scheme.Name))
            : AuthenticateResult.Fail(result.Failure!);
    }
}
