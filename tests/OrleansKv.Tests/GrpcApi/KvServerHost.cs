using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Client;
using OrleansKv.Server.Hosting;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.GrpcApi;

/// <summary>
/// The real server, built by <see cref="ServerApp.Create"/> as the binary builds it, on Kestrel on two free loopback
/// ports: REST over HTTP/1.1 and gRPC over h2c, which WebApplicationFactory's in-memory server cannot speak.
/// Embedded store in a temp directory. Services registered by <c>configureServices</c> come first, so they replace
/// the server's TryAdd registrations (the store, the JWT issuer).
/// </summary>
internal sealed class KvServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _data;

    private KvServerHost(WebApplication app, TempDirectory data, int httpPort, int grpcPort)
    {
        _app = app;
        _data = data;
        HttpAddress = new Uri($"http://127.0.0.1:{httpPort}");
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        Rest = new HttpClient { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri HttpAddress { get; }

    public Uri GrpcAddress { get; }

    /// <summary>A client for the REST port.</summary>
    public HttpClient Rest { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<KvServerHost> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var data = new TempDirectory();
            var (httpPort, grpcPort) = (FreePort(), FreePort());
            var config = new Dictionary<string, string?>
            {
                ["HTTP_PORT"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["GRPC_PORT"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["BIND_ADDRESS"] = "127.0.0.1",
                ["DATA_DIR"] = data.Path,
                ["DURABILITY"] = "Relaxed",
                ["LOG_LEVEL"] = "Warning",
            };
            foreach (var (key, value) in settings)
            {
                config[key] = value;
            }

            var app = ServerApp.Create([], builder =>
            {
                // Only these settings: nothing from the environment of the test run.
                builder.Configuration.Sources.Clear();
                builder.Configuration.AddInMemoryCollection(config);
                configureServices?.Invoke(builder.Services);
            });
            try
            {
                await app.StartAsync();
            }
            catch (IOException) when (attempt < 3)
            {
                // Another process took one of the ports between probing and binding: try new ones.
                await app.DisposeAsync();
                data.Dispose();
                continue;
            }

            var host = new KvServerHost(app, data, httpPort, grpcPort);
            await host.WaitUntilReadyAsync();
            return host;
        }
    }

    public KvClient CreateClient(string? token, TimeSpan? defaultTimeout = null) =>
        new(new KvClientOptions { Address = GrpcAddress, Token = token, DefaultTimeout = defaultTimeout ?? TimeSpan.FromSeconds(30) });

    /// <summary>A channel to the gRPC port, for the generated clients and requests KvClient would not send.</summary>
    public GrpcChannel CreateChannel() => GrpcChannel.ForAddress(GrpcAddress);

    /// <summary>Issues an opaque token through <c>POST /v1/tokens</c> with the admin credential.</summary>
    public async Task<string> IssueTokenAsync(string adminToken, string ns, params string[] scopes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tokens") { Content = JsonContent.Create(new { @namespace = ns, scopes }) };
        request.Headers.Authorization = new("Bearer", adminToken);
        using var response = await Rest.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return body.GetProperty("token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Rest.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _data.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            using var response = await Rest.GetAsync("/readyz", timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
