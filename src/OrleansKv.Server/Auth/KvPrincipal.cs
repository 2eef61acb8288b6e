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

    /// <summary>The scope names, in a fixed order.</summary>
    public static string[] ScopeNames(KvScopes scopes) =>
    [
        .. scopes.HasFlag(KvScopes.Read) ? ["read"] : Array.Empty<string>(),
        .. scopes.HasFlag(KvScopes.Write) ? ["write"] : Array.Empty<string>(),
        .. scopes.HasFlag(KvScopes.Admin) ? ["admin"] : Array.Empty<string>(),
    ];

    /// <summary>The principal an authenticated request was signed in with; null when it was not.</summary>
    public static KvPrincipal? From(HttpContext context) => From(context.User);

    /// <summary>The principal behind <paramref name="user"/>, as an authentication handler made it; null for anyone else.</summary>
    public static KvPrincipal? From(System.Security.Claims.ClaimsPrincipal? user) => (user?.Identity as KvIdentity)?.Kv;
}
