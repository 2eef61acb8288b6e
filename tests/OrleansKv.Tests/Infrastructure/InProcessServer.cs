using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using OrleansKv.Server.Hosting;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.Infrastructure;

/// <summary>The whole server (embedded mode) on free loopback ports in this process, as the binary builds it.</summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private readonly TempDirectory _data = new();

    private InProcessServer(WebApplication app, int httpPort, int grpcPort, string token)
    {
        App = app;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        Token = token;
    }

    public WebApplication App { get; }

    public int HttpPort { get; }

    public int GrpcPort { get; }

    public string Token { get; }

    public static InProcessServer Build(IDictionary<string, string?>? settings = null)
    {
        var http = RedisServerProcess.FreePort();
        var grpc = RedisServerProcess.FreePort();
        var token = "tok-" + Guid.NewGuid().ToString("N");
        TempDirectory? data = null;
        var app = ServerApp.Create([], builder =>
        {
            data = new TempDirectory();
            var all = new Dictionary<string, string?>
            {
                ["HTTP_PORT"] = http.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["GRPC_PORT"] = grpc.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["DATA_DIR"] = data.Path,
                ["DURABILITY"] = "relaxed",
                ["TOKEN"] = token,
                ["LOG_LEVEL"] = "Warning",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                all[key] = value;
            }

            builder.Configuration.AddInMemoryCollection(all);
            builder.Logging.ClearProviders();
        });
        return new InProcessServer(app, http, grpc, token);
    }

    public static async Task<InProcessServer> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var server = Build(settings);
        await server.App.StartAsync();
        return server;
    }

    public HttpClient CreateClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        _data.Dispose();
    }
}
