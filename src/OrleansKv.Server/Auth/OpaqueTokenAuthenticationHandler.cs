using System.Runtime.CompilerServices;
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
/// <remarks>
/// A known token resolves to the same <see cref="KvPrincipal"/> instance while it is cached (configured tokens for the
/// process' life, issued ones while the registry keeps them), so the successful result, a completed task with its
/// ticket and claims, is built once per principal and shared by that principal's requests instead of per request.
/// Nothing in the pipeline mutates a signed-in user (no claims transformation is registered).
/// </remarks>
internal sealed class OpaqueTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OpaqueTokenValidator validator) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private static readonly ConditionalWeakTable<KvPrincipal, Task<AuthenticateResult>> SignedIn = new();
    private static readonly Task<AuthenticateResult> NoCredential = Task.FromResult(AuthenticateResult.NoResult());

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers.Authorization.Count == 0)
        {
            return NoCredential;
        }

        if (!BearerCredential.TryGet(Request, out var credential, out var problem))
        {
            return Task.FromResult(AuthenticateResult.Fail(problem!));
        }

        var validation = validator.ValidateAsync(credential.Span, Context.RequestAborted);
        return validation.IsCompletedSuccessfully ? Verdict(validation.Result, Scheme.Name) : AwaitVerdictAsync(validation, Scheme.Name);

        static async Task<AuthenticateResult> AwaitVerdictAsync(ValueTask<CredentialResult> validation, string scheme) =>
            await Verdict(await validation, scheme);
    }

    private static Task<AuthenticateResult> Verdict(CredentialResult result, string scheme) =>
        result.Principal is { } principal
            ? SignedIn.GetValue(principal, p => Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(KvIdentity.SignIn(p, scheme), scheme))))
            : Task.FromResult(AuthenticateResult.Fail(result.Failure!));
}
