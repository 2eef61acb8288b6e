using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using OrleansKv.Grains;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Tokens;

namespace OrleansKv.Server.Auth;

/// <summary>The outcome of checking a credential: a principal, or why not.</summary>
public readonly record struct CredentialResult(KvPrincipal? Principal, string? Failure)
{
    public static CredentialResult Fail(string reason) => new(null, reason);
}

/// <summary>
/// Turns a bearer credential into a principal: the admin credential and bootstrap tokens from configuration,
/// tokens issued through <c>/v1/tokens</c>, or a JWT. Opaque tokens are compared by SHA-256 hash only.
/// </summary>
internal sealed class CredentialValidator
{
    private readonly FrozenDictionary<string, KvPrincipal> _configured;
    private readonly TokenRegistry _registry;
    private readonly IJwtValidator? _jwt;

    public CredentialValidator(IOptions<ServerOptions> options, TokenRegistry registry, IJwtValidator? jwt = null)
    {
        _registry = registry;
        _jwt = jwt;
        var configured = new Dictionary<string, KvPrincipal>(StringComparer.Ordinal);
        foreach (var token in (options.Value.Tokens ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            configured[TokenHashing.Hash(token)] = new KvPrincipal(TokenHashing.BootstrapNamespace(token), KvScopes.Read | KvScopes.Write, "bootstrap");
        }

        if (!string.IsNullOrEmpty(options.Value.AdminToken))
        {
            configured[TokenHashing.Hash(options.Value.AdminToken)] = new KvPrincipal(null, KvScopes.Admin, "admin");
        }

        _configured = configured.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>True when JWTs are accepted (a key is configured).</summary>
    public bool AcceptsJwt => _jwt is not null;

    public async ValueTask<CredentialResult> ValidateAsync(string credential, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(credential) || credential.Length > 8192)
        {
            return CredentialResult.Fail("The bearer credential is empty or too long.");
        }

        if (LooksLikeJwt(credential))
        {
            if (_jwt is null)
            {
                return CredentialResult.Fail("JWTs are not accepted: the server has no JWT key configured.");
            }

            // The one choke point for every credential: a namespace claim that is not a user namespace name
            // (e.g. the token registry's "_system") must never reach a grain.
            var result = await _jwt.ValidateAsync(credential, cancellationToken);
            return result.Principal is { Namespace: { } ns } && !KeyRules.IsValidNamespace(ns)
                ? CredentialResult.Fail("The JWT's namespace claim is not a valid namespace name.")
                : result;
        }

        var hash = TokenHashing.Hash(credential);
        if (_configured.TryGetValue(hash, out var principal))
        {
            return new CredentialResult(principal, null);
        }

        var issued = await _registry.FindAsync(hash, cancellationToken);
        return issued is null ? CredentialResult.Fail("The token is unknown, revoked or expired.") : new CredentialResult(issued, null);
    }

    private static bool LooksLikeJwt(string credential) => credential.Count(c => c == '.') == 2;
}

/// <summary>Validates JWT bearer credentials (see the JWT configuration).</summary>
public interface IJwtValidator
{
    ValueTask<CredentialResult> ValidateAsync(string jwt, CancellationToken cancellationToken);
}
