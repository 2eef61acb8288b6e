using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansKv.Grpc;

namespace OrleansKv.Tests.Grpc;

/// <summary>A real Kestrel h2c server on 127.0.0.1 and a free port, serving <see cref="EchoService"/>.</summary>
internal sealed class GrpcTestServer : IAsyncDisposable
{
    public const int MaxReceiveMessageSize = 64 * 1024;

    private readonly WebApplication _app;

    private GrpcTestServer(WebApplication app, EchoService service, CapturingLoggerProvider logs, Uri address)
    {
        _app = app;
        Service = service;
        Logs = logs;
        Address = address;
    }

    public EchoService Service { get; }

    public CapturingLoggerProvider Logs { get; }

    public Uri Address { get; }

    public WebApplication App => _app;

    public static async Task<GrpcTestServer> StartAsync(
        Action<GrpcEndpointConventionBuilder>? conventions = null, Action<ListenOptions>? listen = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(IPAddress.Loopback, 0, listen));
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddGrpcServer(options => options.MaxReceiveMessageSize = MaxReceiveMessageSize);

        var app = builder.Build();
        var service = new EchoService();
        service.Register(app.Services.GetRequiredService<GrpcServiceRegistry>());
        var mapped = app.MapGrpcServices();
        conventions?.Invoke(mapped);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new GrpcTestServer(app, service, logs, new Uri(address));
    }

    public GrpcClient CreateClient(GrpcClientOptions? options = null) => new(Address, options);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Keeps every log line so tests can assert what was (and was not) logged.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception), exception));
    }
}
