using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Tokens;

namespace OrleansKv.Server.Auth;

/// <summary>The outcome of checking a credential: a principal, or why not.</summary>
public readonly record struct CredentialResult(KvPrincipal? Principal, string? Failure)
{
    public static CredentialResult Fail(string reason) => new(null, reason);
}

/// <summary>
/// Checks opaque tokens: the admin credential and bootstrap tokens from configuration, and tokens issued through
/// <c>/v1/tokens</c>. A token is known only by its SHA-256 hash; nothing keeps the token itself. The hash is
/// computed into a stack buffer and looked up without allocating, so a request pays one SHA-256 of its token.
/// </summary>
internal sealed class OpaqueTokenValidator
{
    private const int MaxLength = 8192;

    private readonly FrozenDictionary<string, KvPrincipal>.AlternateLookup<ReadOnlySpan<char>> _configured;
    private readonly TokenRegistry _registry;

    public OpaqueTokenValidator(IOptions<AuthOptions> options, TokenRegistry registry)
    {
        _registry = registry;
        var configured = new Dictionary<string, KvPrincipal>(StringComparer.Ordinal);
        foreach (var token in (options.Value.Tokens ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            configured[TokenHashing.Hash(token)] = new KvPrincipal(TokenHashing.BootstrapNamespace(token), KvScopes.Read | KvScopes.Write, "bootstrap");
        }

        if (!string.IsNullOrEmpty(options.Value.AdminToken))
        {
            configured[TokenHashing.Hash(options.Value.AdminToken)] = new KvPrincipal(null, KvScopes.Admin, "admin");
        }

        _configured = configured.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public ValueTask<CredentialResult> ValidateAsync(ReadOnlySpan<char> token, CancellationToken cancellationToken)
    {
        if (token.IsWhiteSpace() || token.Length > MaxLength)
        {
            return ValueTask.FromResult(CredentialResult.Fail("The bearer credential is empty or too long."));
        }

        // A JWT reaches this validator only when no JWT key is configured (otherwise the JwtBearer scheme takes it).
        if (LooksLikeJwt(token))
        {
            return ValueTask.FromResult(CredentialResult.Fail("JWTs are not accepted: the server has no JWT key configured."));
        }

        Span<char> hash = stackalloc char[TokenHashing.HexLength];
        TokenHashing.Hash(token, hash);
        if (_configured.TryGetValue(hash, out var principal))
        {
            return ValueTask.FromResult(new CredentialResult(principal, null));
        }

        if (_registry.TryGetCached(hash, out var cached))
        {
            return ValueTask.FromResult(Verdict(cached));
        }

        return LookUpAsync(_registry, new string(hash), cancellationToken);

        static async ValueTask<CredentialResult> LookUpAsync(TokenRegistry registry, string hash, CancellationToken cancellationToken) =>
            Verdict(await registry.FindAsync(hash, cancellationToken));
    }

    private static CredentialResult Verdict(KvPrincipal? issued) =>
        issued is null ? CredentialResult.Fail("The token is unknown, revoked or expired.") : new CredentialResult(issued, null);

    /// <summary>Whether a credential has the shape of a JWT (three dot-separated parts) rather than an opaque token.</summary>
    internal static bool LooksLikeJwt(ReadOnlySpan<char> credential) => credential.Count('.') == 2;
}
