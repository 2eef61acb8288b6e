using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansKv.Server.Auth;

/// <summary>Signs the short-lived HS256 JWTs that <c>POST /v1/auth/token</c> hands out for an opaque token.</summary>
internal sealed class JwtTokenIssuer
{
    /// <summary>How long an exchanged JWT lives.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    /// <summary>Issuer and audience written when JWT_ISSUER / JWT_AUDIENCE are not set (then not checked either).</summary>
    public const string DefaultName = "orleans-kv";

    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _credentials;
    private readonly string _issuer;
    private readonly string _audience;
    private readonly TimeProvider _time;

    public JwtTokenIssuer(JwtSettings settings, TimeProvider time)
    {
        _credentials = new SigningCredentials(
            settings.SigningKey ?? throw new InvalidOperationException("Issuing JWTs needs JWT_SIGNING_KEY."), SecurityAlgorithms.HmacSha256);
        _issuer = settings.Issuer ?? DefaultName;
        _audience = settings.Audience ?? DefaultName;
        _time = time;
    }

    /// <summary>A JWT for <paramref name="ns"/> with exactly <paramref name="scopes"/>, and when it expires.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Issue(string ns, KvScopes scopes, string subject)
    {
        var now = _time.GetUtcNow();
        var expires = now + Lifetime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = _audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = subject,
                ["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                [KvPrincipal.NamespaceClaim] = ns,
                [KvPrincipal.ScopeClaim] = string.Join(' ', KvPrincipal.ScopeNames(scopes)),
            },
        };
        return (_handler.CreateToken(descriptor), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }
}
