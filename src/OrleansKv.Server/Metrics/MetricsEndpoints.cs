using OrleansKv.Server.Health;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Metrics;

/// <summary>Registers the metrics pipeline and maps <c>GET /metrics</c> (anonymous, HTTP port).</summary>
internal static class MetricsEndpoints
{
    public static IServiceCollection AddKvMetrics(this IServiceCollection services)
    {
        services.AddSingleton<RuntimeGauges>();
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<RequestMetricsRecorder>();
        services.AddSingleton<PrometheusScraper>();
        return services;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (PrometheusScraper scraper) => TypedResults.Text(scraper.Scrape(), "text/plain; version=0.0.4; charset=utf-8"))
            .AllowAnonymous().WithMetadata(new RouteLabel("metrics"), new AnonymousRoute());
        return app;
    }
}
