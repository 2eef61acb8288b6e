using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Auth;

/// <summary>
/// The one authentication scheme of the server: <c>Authorization: Bearer &lt;credential&gt;</c>, where the
/// credential is an opaque token or a JWT. Challenges answer 401 with <c>WWW-Authenticate: Bearer</c> and a
/// JSON error; forbidden answers 403 with a JSON error.
/// </summary>
internal sealed class BearerAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    public const string SchemeName = "Bearer";
    private readonly CredentialValidator _validator;

    public BearerAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, CredentialValidator validator)
        : base(options, logger, encoder) => _validator = validator;

    /// <summary>Reads the bearer credential of a request (HTTP header or gRPC metadata, which are the same).</summary>
    public static bool TryGetCredential(HttpRequest request, out string credential, out string? problem)
    {
        credential = string.Empty;
        problem = null;
        var header = request.Headers.Authorization;
        if (header.Count == 0)
        {
            problem = "A bearer credential is required (Authorization: Bearer <token>).";
            return false;
        }

        var value = header.ToString();
        if (header.Count > 1 || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            problem = "The Authorization header must be 'Bearer <token>'.";
            return false;
        }

        credential = value["Bearer ".Length..].Trim();
        return true;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!TryGetCredential(Request, out var credential, out var problem))
        {
            return Request.Headers.Authorization.Count == 0 ? AuthenticateResult.NoResult() : AuthenticateResult.Fail(problem!);
        }

        var result = await _validator.ValidateAsync(credential, Context.RequestAborted);
        if (result.Principal is null)
        {
            return AuthenticateResult.Fail(result.Failure ?? "The credential is not valid.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(result.Principal.ToClaimsPrincipal(), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.Headers.WWWAuthenticate = failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await ApiErrors.WriteAsync(Context, StatusCodes.Status401Unauthorized, "unauthenticated", failure ?? "A bearer credential is required (Authorization: Bearer <token>).");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiErrors.WriteAsync(Context, StatusCodes.Status403Forbidden, "forbidden", "The credential is valid but lacks the scope this call needs.");
}
