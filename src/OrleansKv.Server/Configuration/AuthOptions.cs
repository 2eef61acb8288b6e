using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace OrleansKv.Server.Configuration;

/// <summary>The credentials the server accepts: bootstrap and admin tokens, and the keys and checks of JWTs. No message
/// about them quotes a secret.</summary>
public sealed class AuthOptions : IValidatableObject
{
    /// <summary>Bootstrap tokens, comma-separated; each gets a namespace of its own.</summary>
    [ConfigurationKeyName("TOKEN")]
    public string? Tokens { get; set; }

    /// <summary>The credential that manages tokens of every namespace.</summary>
    [ConfigurationKeyName("ADMIN_TOKEN")]
    public string? AdminToken { get; set; }

    /// <summary>HS256 key for JWTs (at least 32 bytes).</summary>
    [ConfigurationKeyName("JWT_SIGNING_KEY")]
    public string? JwtSigningKey { get; set; }

    /// <summary>PEM file with the RSA or EC public key for RS256/ES256 JWTs.</summary>
    [ConfigurationKeyName("JWT_PUBLIC_KEY_FILE")]
    public string? JwtPublicKeyFile { get; set; }

    /// <summary>The issuer a JWT must name; any when unset.</summary>
    [ConfigurationKeyName("JWT_ISSUER")]
    public string? JwtIssuer { get; set; }

    /// <summary>The audience a JWT must name; any when unset.</summary>
    [ConfigurationKeyName("JWT_AUDIENCE")]
    public string? JwtAudience { get; set; }

    /// <summary>The lengths of the credentials (a setting left empty is off) and that the JWT key file exists.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AdminToken is { Length: > 0 and < 16 })
        {
            yield return new ValidationResult("ADMIN_TOKEN must be at least 16 characters.");
        }

        if (Tokens is not null && Tokens.Split(',', StringSplitOptions.TrimEntries).Any(t => t.Length is > 0 and < 8))
        {
            yield return new ValidationResult("Every TOKEN must be at least 8 characters.");
        }

        if (JwtSigningKey is { Length: > 0 and < 32 })
        {
            yield return new ValidationResult("JWT_SIGNING_KEY must be at least 32 bytes for HS256.");
        }

        if (JwtPublicKeyFile is { Length: > 0 } file && !File.Exists(file))
        {
            yield return new ValidationResult($"JWT_PUBLIC_KEY_FILE '{file}' does not exist.");
        }
    }
}
