using System.Collections.Concurrent;
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
    /// <summary>How many accepted opaque tokens keep their hash at hand; past it the memo starts over.</summary>
    internal const int HashMemoCapacity = 10_000;

    private readonly FrozenDictionary<string, KvPrincipal> _configured;

    // The hash of each opaque token that was accepted recently, keyed by the token: a client sends the same token
    // on every request, and SHA-256 of it was a measurable share of a GET. Only the hash is memoised, never the
    // verdict: each request still looks the hash up (configured tokens, then the registry with its revocation), so
    // revoking or expiring a token works exactly as without the memo. Rejected credentials are never added.
    private readonly ConcurrentDictionary<string, string> _hashes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _hashesBySpan;
    private readonly TokenRegistry _registry;
    private readonly IJwtValidator? _jwt;

    public CredentialValidator(IOptions<ServerOptions> options, TokenRegistry registry, IJwtValidator? jwt = null)
    {
        _registry = registry;
        _jwt = jwt;
        _hashesBySpan = _hashes.GetAlternateLookup<ReadOnlySpan<char>>();
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

    /// <summary>
    /// Validates a credential given as characters of the request header. A token accepted before is looked up by
    /// its memoised hash without allocating; anything else goes through <see cref="ValidateAsync(string, CancellationToken)"/>.
    /// </summary>
    public ValueTask<CredentialResult> ValidateAsync(ReadOnlySpan<char> credential, CancellationToken cancellationToken) =>
        _hashesBySpan.TryGetValue(credential, out var hash)
            ? ValidateHashAsync(hash, cancellationToken)
            : ValidateAsync(credential.ToString(), cancellationToken);

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
            // (a path, an empty or reserved name) must never reach a grain.
            var jwtResult = await _jwt.ValidateAsync(credential, cancellationToken);
            return jwtResult.Principal is { Namespace: { } ns } && !KeyRules.IsValidNamespace(ns)
                ? CredentialResult.Fail("The JWT's namespace claim is not a valid namespace name.")
                : jwtResult;
        }

        var hash = TokenHashing.Hash(credential);
        var result = await ValidateHashAsync(hash, cancellationToken);
        if (result.Principal is not null)
        {
            if (_hashes.Count >= HashMemoCapacity)
            {
                _hashes.Clear();
            }

            _hashes.TryAdd(credential, hash);
        }

        return result;
    }

    private ValueTask<CredentialResult> ValidateHashAsync(string hash, CancellationToken cancellationToken)
    {
        if (_configured.TryGetValue(hash, out var principal))
        {
            return ValueTask.FromResult(new CredentialResult(principal, null));
        }

        var issued = _registry.FindAsync(hash, cancellationToken);
        return issued.IsCompletedSuccessfully ? ValueTask.FromResult(Verdict(issued.Result)) : AwaitVerdictAsync(issued);

        static async ValueTask<CredentialResult> AwaitVerdictAsync(ValueTask<KvPrincipal?> pending) => Verdict(await pending);
    }

    private static CredentialResult Verdict(KvPrincipal? issued) =>
        issued is null ? CredentialResult.Fail("The token is unknown, revoked or expired.") : new CredentialResult(issued, null);

    /// <summary>Whether a credential has the shape of a JWT (three dot-separated parts) rather than an opaque token.</summary>
    internal static bool LooksLikeJwt(ReadOnlySpan<char> credential) => credential.Count('.') == 2;
}

/// <summary>Validates JWT bearer credentials (see the JWT configuration).</summary>
public interface IJwtValidator
{
    ValueTask<CredentialResult> ValidateAsync(string jwt, CancellationToken cancellationToken);
}
