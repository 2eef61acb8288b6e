using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansKv.Grains;

namespace OrleansKv.Server.Auth;

/// <summary>
/// Checks JWT bearer credentials with <see cref="JsonWebTokenHandler"/>: signature by the key bound to the token's
/// algorithm (so <c>alg: none</c> and HS/RS confusion find no key), issuer and audience when configured, and
/// lifetime (<c>exp</c> required) with 30 s of clock skew. The claim <c>ns</c> is the namespace and must be a
/// valid namespace name; <c>scope</c> (space-separated, or an array) gives the scopes.
/// </summary>
internal sealed partial class JwtValidator : IJwtValidator
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly ILogger<JwtValidator> _logger;

    public JwtValidator(JwtSettings settings, ILogger<JwtValidator> logger)
    {
        _logger = logger;
        _parameters = new TokenValidationParameters
        {
            ValidateIssuer = settings.Issuer is not null,
            ValidIssuer = settings.Issuer,
            ValidateAudience = settings.Audience is not null,
            ValidAudience = settings.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = ClockSkew,
            RequireSignedTokens = true,
            ValidAlgorithms = settings.Algorithms,
            IssuerSigningKeyResolver = (_, token, _, _) => settings.KeysFor((token as JsonWebToken)?.Alg),
            NameClaimType = "sub",
        };
    }

    public async ValueTask<CredentialResult> ValidateAsync(string jwt, CancellationToken cancellationToken)
    {
        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(jwt, _parameters);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException)
        {
            return Reject(ex);
        }

        if (!result.IsValid)
        {
            return Reject(result.Exception);
        }

        var identity = result.ClaimsIdentity;
        var ns = identity.FindAll(KvPrincipal.NamespaceClaim).ToArray();
        if (ns.Length != 1 || ns[0].ValueType != ClaimValueTypes.String || !KeyRules.IsValidNamespace(ns[0].Value))
        {
            LogRejected(_logger, "bad ns claim");
            return CredentialResult.Fail("The JWT has no valid 'ns' (namespace) claim.");
        }

        var scopes = identity.FindAll(KvPrincipal.ScopeClaim).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var subject = identity.FindFirst("sub")?.Value is { Length: > 0 and <= 256 } sub ? sub : "unknown";
        return new CredentialResult(new KvPrincipal(ns[0].Value, KvPrincipal.ParseScopes(scopes), "jwt:" + subject), null);
    }

    private CredentialResult Reject(Exception? exception)
    {
        var reason = exception switch
        {
            SecurityTokenExpiredException => "The JWT has expired.",
            SecurityTokenNotYetValidException => "The JWT is not valid yet (nbf).",
            SecurityTokenNoExpirationException => "The JWT has no expiry (exp).",
            SecurityTokenInvalidAudienceException => "The JWT audience is not accepted.",
            SecurityTokenInvalidIssuerException => "The JWT issuer is not accepted.",
            SecurityTokenInvalidAlgorithmException => "The JWT signing algorithm is not accepted.",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The JWT signature is not valid.",
            SecurityTokenMalformedException or ArgumentException => "The JWT is malformed.",
            _ => "The JWT is not valid.",
        };
        LogRejected(_logger, reason);
        return CredentialResult.Fail(reason);
    }

    [LoggerMessage(EventId = 3200, Level = LogLevel.Debug, Message = "JWT rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);
}
