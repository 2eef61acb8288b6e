namespace OrleansKv.Server.Auth;

/// <summary>The authorization policies; every route names one (a test enforces it).</summary>
public static class KvPolicies
{
    /// <summary>Read keys of the credential's namespace.</summary>
    public const string Read = "kv:read";

    /// <summary>Write keys of the credential's namespace.</summary>
    public const string Write = "kv:write";

    /// <summary>Manage tokens.</summary>
    public const string Admin = "tokens:admin";

    /// <summary>Any valid credential; the handler decides the rest (token exchange).</summary>
    public const string Authenticated = "authenticated";

    /// <summary>No credential needed (health, metrics).</summary>
    public const string Anonymous = "anonymous";

    /// <summary>Whether <paramref name="principal"/> satisfies the named <paramref name="policy"/> (unknown names never do).</summary>
    public static bool Allows(KvPrincipal principal, string policy) => policy switch
    {
        Read => Allows(principal, KvScopes.Read, needsNamespace: true),
        Write => Allows(principal, KvScopes.Write, needsNamespace: true),
        Admin => Allows(principal, KvScopes.Admin, needsNamespace: false),
        Authenticated => true,
        _ => false,
    };

    /// <summary>The check the policies apply, reusable where a handler decides at run time (gRPC, batch).</summary>
    public static bool Allows(KvPrincipal? principal, KvScopes scope, bool needsNamespace) =>
        principal is not null && principal.Scopes.HasFlag(scope) && (!needsNamespace || principal.Namespace is not null);
}
