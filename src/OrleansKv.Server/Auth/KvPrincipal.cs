using System.Security.Claims;

namespace OrleansKv.Server.Auth;

/// <summary>What a credential may do.</summary>
[Flags]
public enum KvScopes
{
    None = 0,

    /// <summary>Read keys and list them.</summary>
    Read = 1,

    /// <summary>Write and delete keys.</summary>
    Write = 2,

    /// <summary>Manage tokens (of its own namespace; the admin credential: of every namespace).</summary>
    Admin = 4,
}

/// <summary>The identity behind a request: one namespace (none for the admin credential) and scopes.</summary>
/// <param name="Namespace">The only namespace the credential reaches, or null for the cluster admin.</param>
/// <param name="Scopes">What it may do.</param>
/// <param name="Subject">Who it is, for logs: a token id, a JWT subject.</param>
public sealed record KvPrincipal(string? Namespace, KvScopes Scopes, string Subject)
{
    public const string NamespaceClaim = "ns";
    public const string ScopeClaim = "scope";
    public const string AuthenticationType = "Bearer";

    /// <summary>True for the cluster-wide admin credential (ADMIN_TOKEN).</summary>
    public bool IsClusterAdmin => Namespace is null && Scopes.HasFlag(KvScopes.Admin);

    /// <summary>Parses the OAuth-style space-separated scope list; unknown scopes are ignored.</summary>
    public static KvScopes ParseScopes(IEnumerable<string> scopes)
    {
        var result = KvScopes.None;
        foreach (var scope in scopes)
        {
            result |= scope.Trim().ToUpperInvariant() switch
            {
                "READ" => KvScopes.Read,
                "WRITE" => KvScopes.Write,
                "ADMIN" => KvScopes.Admin,
                _ => KvScopes.None,
            };
        }

        return result;
    }

    /// <summary>The scope claim value of <paramref name="scopes"/> ("read write"), built once per combination.</summary>
    private static string ScopeString(KvScopes scopes) =>
        (uint)scopes < (uint)ScopeStrings.Length ? ScopeStrings[(int)scopes] : string.Join(' ', ScopeNames(scopes));

    private static readonly string[] ScopeStrings = [.. Enumerable.Range(0, 8).Select(i => string.Join(' ', ScopeNames((KvScopes)i)))];

    /// <summary>The scope names, in a fixed order.</summary>
    public static string[] ScopeNames(KvScopes scopes) =>
    [
        .. scopes.HasFlag(KvScopes.Read) ? ["read"] : Array.Empty<string>(),
        .. scopes.HasFlag(KvScopes.Write) ? ["write"] : Array.Empty<string>(),
        .. scopes.HasFlag(KvScopes.Admin) ? ["admin"] : Array.Empty<string>(),
    ];

    public ClaimsPrincipal ToClaimsPrincipal()
    {
        var claims = new List<Claim>(3) { new(ClaimTypes.NameIdentifier, Subject), new(ScopeClaim, ScopeString(Scopes)) };
        if (Namespace is not null)
        {
            claims.Add(new Claim(NamespaceClaim, Namespace));
        }

        return new ClaimsPrincipal(new KvIdentity(this, claims));
    }

    /// <summary>Reads the principal back from an authenticated request's claims.</summary>
    public static KvPrincipal? From(ClaimsPrincipal? user)
    {
        // The bearer scheme's own identity carries the principal it was built from: no claim parsing per call.
        if (user?.Identity is KvIdentity { IsAuthenticated: true } identity)
        {
            return identity.Principal;
        }

        if (user?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var scopes = ParseScopes((user.FindFirst(ScopeClaim)?.Value ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return new KvPrincipal(user.FindFirst(NamespaceClaim)?.Value, scopes, user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "unknown");
    }
}

/// <summary>
/// The identity the bearer scheme signs a request in with: the usual claims (name identifier, scope, ns) plus the
/// <see cref="KvPrincipal"/> they were made from, so <see cref="KvPrincipal.From"/> need not parse them again.
/// </summary>
internal sealed class KvIdentity(KvPrincipal principal, IEnumerable<Claim> claims) : ClaimsIdentity(claims, KvPrincipal.AuthenticationType)
{
    public KvPrincipal Principal { get; } = principal;
}
