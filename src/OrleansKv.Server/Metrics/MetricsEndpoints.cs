using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansKv.Grains;
using OrleansKv.Server.Health;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Metrics;

/// <summary>
/// Registers OpenTelemetry's metrics (and, with an OTLP endpoint, traces) and maps <c>GET /metrics</c>, the
/// Prometheus exporter's scraping endpoint (anonymous, HTTP port).
/// </summary>
internal static class MetricsEndpoints
{
    /// <summary>Orleans' meter: silo, messaging, grain and membership instruments.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <remarks>
    /// Grpc.AspNetCore 2.85 has no meter (only EventCounters, and no EventCounters bridge is served here): gRPC calls
    /// are measured by ASP.NET Core's <c>http.server.request.duration</c> (route = the method's path) and by
    /// <c>kv_request_duration_seconds{protocol="grpc"}</c>, whose status is the grpc-status.
    /// </remarks>
    private static readonly string[] Meters =
    [
        OrleansMeter,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        ServerMetrics.MeterName,
        NamespaceMetrics.MeterName,
        Limits.LimitMetrics.MeterName,
    ];

    private static readonly double[] CommitBatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048];

    public static IServiceCollection AddKvMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<RequestMetricsRecorder>();
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("orleans-kv"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters)
                    .AddRuntimeInstrumentation()
                    .AddProcessInstrumentation()
                    // No scrape cache (the exporter's default is 300 ms): a scrape shows every count made before it.
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                ((IDeferredMeterProviderBuilder)metrics).Configure((sp, builder) =>
                    builder.AddView(new ThisServerOnly(sp.GetRequiredService<IMeterFactory>()).Stream));
            });
        if (otlp)
        {
            // Traces run from the HTTP or gRPC request through Orleans' grain calls (activity propagation is on).
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"));
            telemetry.UseOtlpExporter();
        }

        return services;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        // GET only, as before: other methods fall through to the root key routes, which refuse the reserved path.
        app.MapPrometheusScrapingEndpoint("/metrics")
            .AllowAnonymous().WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]), new RouteLabel("metrics"), new AnonymousRoute());
        return app;
    }

    /// <summary>
    /// Keeps the instruments of this server's <see cref="IMeterFactory"/> and drops those that other servers in the
    /// same process (the in-process test cluster) created under the same meter names; sets histogram buckets.
    /// </summary>
    private sealed class ThisServerOnly(IMeterFactory factory)
    {
        public MetricStreamConfiguration? Stream(Instrument instrument)
        {
            if (instrument.Meter.Scope is { } scope && !ReferenceEquals(scope, factory))
            {
                return MetricStreamConfiguration.Drop;
            }

            return instrument.Name switch
            {
                "kv_request_duration_seconds" => new ExplicitBucketHistogramConfiguration { Boundaries = ServerMetrics.DurationBuckets },
                "kv_group_commit_batch_size" => new ExplicitBucketHistogramConfiguration { Boundaries = CommitBatchBuckets },
                _ => null,
            };
        }
    }
}
