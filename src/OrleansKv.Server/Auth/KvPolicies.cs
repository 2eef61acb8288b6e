namespace OrleansKv.Server.Auth;

/// <summary>
/// The authorization policies (registered by <see cref="AuthServiceCollectionExtensions.AddKvAuth"/>); every route and
/// gRPC method names one (a test enforces it), and the TCP protocols evaluate the same ones.
/// </summary>
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
}
