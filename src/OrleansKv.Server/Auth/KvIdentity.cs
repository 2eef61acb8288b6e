using System.Security.Claims;

namespace OrleansKv.Server.Auth;

/// <summary>
/// The identity an authentication handler signs a request in with. It carries the parsed <see cref="KvPrincipal"/>,
/// so that policies and handlers read the namespace and scopes without parsing claims on every request; the claims
/// (<c>sub</c>, <c>ns</c>, <c>scope</c>) are there too, for anything that reads them the standard way. An identity
/// rather than a principal subclass, because ASP.NET Core may merge principals but keeps their identities.
/// </summary>
public sealed class KvIdentity : ClaimsIdentity
{
    private KvIdentity(KvPrincipal principal, IEnumerable<Claim> claims, string scheme)
        : base(claims, scheme, "sub", null) => Kv = principal;

    public KvPrincipal Kv { get; }

    /// <summary>A signed-in user for <paramref name="principal"/>, with claims built from it.</summary>
    public static ClaimsPrincipal SignIn(KvPrincipal principal, string scheme)
    {
        Claim[] claims = principal.Namespace is { } ns
            ? [new("sub", principal.Subject), new(KvPrincipal.NamespaceClaim, ns), new(KvPrincipal.ScopeClaim, ScopeList(principal))]
            : [new("sub", principal.Subject), new(KvPrincipal.ScopeClaim, ScopeList(principal))];
        return new ClaimsPrincipal(new KvIdentity(principal, claims, scheme));
    }

    /// <summary>A signed-in user for <paramref name="principal"/> that keeps the claims a token handler validated.</summary>
    public static ClaimsPrincipal SignIn(KvPrincipal principal, ClaimsIdentity validated) =>
        new(new KvIdentity(principal, validated.Claims, validated.AuthenticationType ?? KvAuthSchemes.Jwt));

    private static string ScopeList(KvPrincipal principal) => string.Join(' ', KvPrincipal.ScopeNames(principal.Scopes));
}
