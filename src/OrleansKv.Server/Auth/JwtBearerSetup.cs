using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansKv.Grains;

namespace OrleansKv.Server.Auth;

/// <summary>
/// Configures ASP.NET Core's JwtBearer handler for the <see cref="KvAuthSchemes.Jwt"/> scheme: the signature is
/// checked by the key bound to the token's algorithm (so <c>alg: none</c> and HS/RS confusion find no key), issuer
/// and audience when configured, and lifetime (<c>exp</c> required) with 30 s of clock skew. The claim <c>ns</c> is
/// the namespace and must be a valid namespace name; <c>scope</c> (space-separated, or an array) gives the scopes.
/// </summary>
internal static partial class JwtBearerSetup
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static void Configure(JwtBearerOptions options, JwtSettings settings)
    {
        options.MapInboundClaims = false;
        options.RequireHttpsMetadata = false;
        options.TokenValidationParameters = new TokenValidationParameters
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
        options.Events = new JwtBearerEvents
        {
            OnAuthenticationFailed = context =>
            {
                context.Fail(Reason(context.Exception));
                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                var (principal, failure) = ToPrincipal(context.Principal?.Identity as ClaimsIdentity);
                if (principal is null)
                {
                    context.Fail(failure!);
                }
                else
                {
                    context.Principal = KvIdentity.SignIn(principal, (ClaimsIdentity)context.Principal!.Identity!);
                }

                return Task.CompletedTask;
            },
        };
    }

    /// <summary>The principal of a validated token's identity, or why it has none (no valid <c>ns</c> claim).</summary>
    public static (KvPrincipal? Principal, string? Failure) ToPrincipal(ClaimsIdentity? identity)
    {
        var ns = identity?.FindAll(KvPrincipal.NamespaceClaim).ToArray() ?? [];

        // The one choke point for every JWT: a namespace claim that is not a user namespace name (a path, an empty or
        // reserved name) must never reach a grain.
        if (ns.Length != 1 || ns[0].ValueType != ClaimValueTypes.String || !KeyRules.IsValidNamespace(ns[0].Value))
        {
            return (null, "The JWT has no valid 'ns' (namespace) claim.");
        }

        var scopes = identity!.FindAll(KvPrincipal.ScopeClaim).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var subject = identity.FindFirst("sub")?.Value is { Length: > 0 and <= 256 } sub ? sub : "unknown";
        return (new KvPrincipal(ns[0].Value, KvPrincipal.ParseScopes(scopes), "jwt:" + subject), null);
    }

    /// <summary>What a 401 says about a token that failed validation.</summary>
    public static string Reason(Exception? exception) => exception switch
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
}
