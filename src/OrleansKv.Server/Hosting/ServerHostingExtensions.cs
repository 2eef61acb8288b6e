using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Errors;
using OrleansKv.Server.Grpc;
using OrleansKv.Server.Health;
using OrleansKv.Server.Limits;
using OrleansKv.Server.Metrics;
using OrleansKv.Server.Namespaces;
using OrleansKv.Server.Protocols;
using OrleansKv.Server.Rest;
using OrleansKv.Server.Tokens;

namespace OrleansKv.Server.Hosting;

/// <summary>Thrown when the configuration is invalid; its message is the one line printed at start-up.</summary>
public sealed class InvalidConfigurationException(string message) : Exception(message);

/// <summary>Wires the server: configuration, Kestrel listeners, the silo and its storage, auth, errors.</summary>
public static class ServerHostingExtensions
{
    /// <summary>Registers the server. The settings are read and checked first (<see cref="StartupSettings"/>), so a bad
    /// value stops start-up before anything else is built; consumers take <c>IOptions&lt;T&gt;</c> of their concern.</summary>
    public static WebApplicationBuilder AddOrleansKvServer(this WebApplicationBuilder builder)
    {
        var settings = StartupSettings.Read(builder.Configuration);
        var services = builder.Services;
        services.AddServerSettings();

        builder.Logging.SetMinimumLevel(settings.Logging.MinimumLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);

        // Orleans narrates its start-up and every placement retry at Information; the start-up banner says what matters.
        // (Category filters match by prefix, hence "Orleans." and not "Orleans", which would silence OrleansKv too.)
        builder.Logging.AddFilter("Orleans.", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);

        // Orleans 10.4.2's watchdog warns at every start that its participant check "has not completed for" about the
        // machine's uptime (its first check has no earlier timestamp to measure from); errors still show.
        builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);

        // Hosting's request log writes only "Request starting/finished" at Information, which the line above already
        // hides; but while any of its levels is on, hosting creates an Activity and a logging scope for every request.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddSimpleConsole(c => c.SingleLine = true);
        ConfigureKestrel(builder, settings.Listeners, settings.Limits);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(30));

        builder.AddOrleansKvSilo(settings);
        services.AddSingleton<SiloState>();
        services.AddSingleton<NamespaceCalls>();
        services.AddSingleton<TokenRegistry>();
        services.AddHostedService<TokenRevocations>();
        services.AddKvAuth(settings.Auth);
        services.AddKvGrpc(settings.Limits);
        services.AddExceptionHandler<KvExceptionHandler>();
        services.AddSingleton<MatcherPolicy, ListenerMatcherPolicy>();
        services.AddHostedService<StartupBanner>();
        services.AddKvMetrics(builder.Configuration);
        services.AddKvLimits();
        services.AddTcpProtocols();
        return builder;
    }

    /// <summary>The middleware: metrics, errors as JSON (the exception handler and the status-code pages),
    /// authentication and authorization, then the per-namespace rate limits (which need the caller).</summary>
    public static WebApplication UseOrleansKvServer(this WebApplication app)
    {
        app.UseRouting();
        app.UseMiddleware<ApiPipelineMiddleware>();
        // KvExceptionHandler (an IExceptionHandler) answers every exception; the middleware insists on a last resort.
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = context => ApiErrors.WriteAsync(context, KvErrorClassifier.InternalError) });
        app.UseStatusCodePages(ErrorStatusPages.WriteAsync);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Maps every REST route, each on the HTTP listener.</summary>
    public static WebApplication MapRestApi(this WebApplication app)
    {
        var rest = app.MapGroup(string.Empty).WithMetadata(new ListenerMetadata(Listener.Http));
        rest.MapHealthApi();
        rest.MapMetrics();
        rest.MapTokensApi();
        rest.MapTokenExchangeApi();
        rest.MapLimitsApi();
        rest.MapKvApi();
        rest.MapKeysApi();
        rest.MapBatchApi();
        rest.MapUnknownV1Route();
        rest.MapRootKvApi();
        return app;
    }

    private static void ConfigureKestrel(WebApplicationBuilder builder, ListenerOptions listeners, LimitsOptions limits)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = listeners.Address;
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = Math.Min(int.MaxValue, ((long)limits.MaxValueBytes * 8) + (4L * 1024 * 1024));
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            if (listeners.EnableHttp)
            {
                kestrel.Listen(address, listeners.HttpPort, l => l.Protocols = HttpProtocols.Http1);
            }

            if (listeners.EnableGrpc)
            {
                kestrel.Listen(address, listeners.GrpcPort, l => l.Protocols = HttpProtocols.Http2);
            }

            kestrel.ListenTcpProtocols(listeners, address);
        });
    }
}
