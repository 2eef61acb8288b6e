using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansKv.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansKv.Tests.Protocols;

/// <summary>
/// One real server (embedded mode, in this process) with the text protocol and RESP on: two bootstrap tokens (two
/// namespaces), an admin token, a read-only token issued through REST, MAX_VALUE_BYTES = 64 KiB.
/// </summary>
public sealed class TcpServerFixture : IAsyncLifetime
{
    public const int MaxValueBytes = 64 * 1024;

    private InProcessServer? _server;

    public string Token { get; } = "boot-" + Guid.NewGuid().ToString("N");

    public string OtherToken { get; } = "boot-" + Guid.NewGuid().ToString("N");

    public string AdminToken { get; } = "admin-" + Guid.NewGuid().ToString("N");

    public string ReadOnlyToken { get; private set; } = string.Empty;

    public int TextPort { get; } = RedisServerProcess.FreePort();

    public int RespPort { get; } = RedisServerProcess.FreePort();

    internal InProcessServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["TOKEN"] = Token + "," + OtherToken,
            ["ADMIN_TOKEN"] = AdminToken,
            ["MAX_VALUE_BYTES"] = MaxValueBytes.ToString(CultureInfo.InvariantCulture),
            ["TCP_PORT"] = TextPort.ToString(CultureInfo.InvariantCulture),
            ["RESP_PORT"] = RespPort.ToString(CultureInfo.InvariantCulture),
        });
        var ns = "t-" + OrleansKv.Server.Auth.TokenHashing.Hash(Token)[..16];
        using var admin = _server.CreateClient(AdminToken);
        var response = await admin.PostAsJsonAsync("/v1/tokens", new { @namespace = ns, scopes = new[] { "read" } });
        response.EnsureSuccessStatusCode();
        using var issued = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        ReadOnlyToken = issued.RootElement.GetProperty("token").GetString()!;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A REST client for the namespace of <paramref name="token"/> (default: <see cref="Token"/>).</summary>
    public HttpClient Rest(string? token = null) => Server.CreateClient(token ?? Token);

    /// <summary>StackExchange.Redis connected to the RESP port over <paramref name="protocol"/>.</summary>
    public Task<ConnectionMultiplexer> RedisAsync(RedisProtocol protocol, string? token = null)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", RespPort } },
            Password = token ?? Token,
            Protocol = protocol,
            AbortOnConnectFail = true,
            AllowAdmin = true,
            ConnectTimeout = 15_000,
            SyncTimeout = 15_000,
            AsyncTimeout = 15_000,
            // No pub/sub on this endpoint: the client's own change channel and tie-breaker are not needed.
            ConfigurationChannel = string.Empty,
            TieBreaker = string.Empty,
            CommandMap = CommandMap.Create(["SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "PUBLISH", "CLUSTER"], available: false),
        };
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>A raw TCP connection to the text port or the RESP port.</summary>
    public static Task<RawConnection> ConnectAsync(int port) => RawConnection.OpenAsync(port);
}

[CollectionDefinition(Name)]
public sealed class TcpServerCollection : ICollectionFixture<TcpServerFixture>
{
    public const string Name = "TcpServer";
}
