using System.Net;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
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
    /// <summary>Reads and checks the settings now, so a bad value stops start-up with one clear line.</summary>
    public static ServerOptions ReadServerOptions(IConfiguration configuration)
    {
        ServerOptions options;
        try
        {
            options = configuration.Get<ServerOptions>() ?? new ServerOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidConfigurationException(ex.Message);
        }

        var result = new ServerOptionsValidator().Validate(null, options);
        return result.Failed ? throw new InvalidConfigurationException(string.Join(" ", result.Failures)) : options;
    }

    public static WebApplicationBuilder AddOrleansKvServer(this WebApplicationBuilder builder)
    {
        var options = ReadServerOptions(builder.Configuration);
        var services = builder.Services;
        services.AddOptions<ServerOptions>().Bind(builder.Configuration).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>());

        builder.Logging.SetMinimumLevel(Enum.Parse<LogLevel>(options.LogLevel, ignoreCase: true));
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
        ConfigureKestrel(builder, options);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(30));

        builder.AddOrleansKvSilo(options);
        services.AddSingleton<SiloState>();
        services.AddSingleton<NamespaceCalls>();
        services.AddSingleton<TokenRegistry>();
        services.AddHostedService<TokenRevocations>();
        services.AddKvAuth(options);
        services.AddKvGrpc(options);
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

    private static void ConfigureKestrel(WebApplicationBuilder builder, ServerOptions options)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = IPAddress.Parse(options.BindAddress);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = Math.Min(int.MaxValue, ((long)options.MaxValueBytes * 8) + (4L * 1024 * 1024));
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            if (options.EnableHttp)
            {
                kestrel.Listen(address, options.HttpPort, l => l.Protocols = HttpProtocols.Http1);
            }

            if (options.EnableGrpc)
            {
                kestrel.Listen(address, options.GrpcPort, l => l.Protocols = HttpProtocols.Http2);
            }

            kestrel.ListenTcpProtocols(options, address);
        });
    }
}
