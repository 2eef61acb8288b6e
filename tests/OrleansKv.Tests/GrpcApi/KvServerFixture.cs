using OrleansKv.Client;
using OrleansKv.Tests.Jwt;

namespace OrleansKv.Tests.GrpcApi;

/// <summary>
/// One real server for a test class: two bootstrap tokens (two namespaces), an admin token, read-only and
/// write-only tokens issued through REST, MAX_VALUE_BYTES = 64 KiB, and JWT keys (HS256 + RS256 by default).
/// </summary>
public class KvServerFixture : IAsyncLifetime
{
    public const int MaxValueBytes = 64 * 1024;

    private KvServerHost? _host;

    public string Token { get; } = "boot-" + Guid.NewGuid().ToString("N");

    public string OtherToken { get; } = "boot-" + Guid.NewGuid().ToString("N");

    public string AdminToken { get; } = "admin-" + Guid.NewGuid().ToString("N");

    /// <summary>The namespace of <see cref="Token"/> (bootstrap tokens get a derived one).</summary>
    public string Namespace { get; private set; } = string.Empty;

    public string ReadOnlyToken { get; private set; } = string.Empty;

    public string WriteOnlyToken { get; private set; } = string.Empty;

    internal JwtTestKeys Keys { get; } = new();

    internal KvServerHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _host = await KvServerHost.StartAsync(Settings());
        Namespace = "t-" + Server.Auth.TokenHashing.Hash(Token)[..16];
        ReadOnlyToken = await Host.IssueTokenAsync(AdminToken, Namespace, "read");
        WriteOnlyToken = await Host.IssueTokenAsync(AdminToken, Namespace, "write");
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Keys.Dispose();
    }

    public KvClient Client(string? token = null) => Host.CreateClient(token ?? Token);

    /// <summary>The server's settings; subclasses change the JWT keys.</summary>
    protected virtual Dictionary<string, string?> Settings() => new()
    {
        ["TOKEN"] = Token + "," + OtherToken,
        ["ADMIN_TOKEN"] = AdminToken,
        ["MAX_VALUE_BYTES"] = MaxValueBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["JWT_SIGNING_KEY"] = Keys.SigningSecret,
        ["JWT_PUBLIC_KEY_FILE"] = Keys.RsaPemFile,
        ["JWT_ISSUER"] = JwtTestKeys.Issuer,
        ["JWT_AUDIENCE"] = JwtTestKeys.Audience,
    };
}

/// <summary>Only an EC (ES256) public key: no HS256 key, so no token exchange either.</summary>
public sealed class EcOnlyServerFixture : KvServerFixture
{
    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings.Remove("JWT_SIGNING_KEY");
        settings["JWT_PUBLIC_KEY_FILE"] = Keys.EcPemFile;
        return settings;
    }
}

/// <summary>Only an HS256 key.</summary>
public sealed class HsOnlyServerFixture : KvServerFixture
{
    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings.Remove("JWT_PUBLIC_KEY_FILE");
        return settings;
    }
}

/// <summary>
/// One server of each kind for all gRPC API and JWT tests, which then run one class at a time: fewer processes
/// competing for the CPU with the timing-sensitive cluster tests that run beside them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class KvServerCollection : ICollectionFixture<KvServerFixture>, ICollectionFixture<EcOnlyServerFixture>, ICollectionFixture<HsOnlyServerFixture>
{
    public const string Name = "KvServer";
}
