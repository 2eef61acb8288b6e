using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OrleansKv.Grains.Storage;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Hosting;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Health;

/// <summary>
/// <c>/livez</c>: the process serves HTTP. <c>/healthz</c>: the silo and its storage are healthy.
/// <c>/readyz</c>: the silo is Active in the cluster and its storage answers — route traffic here.
/// </summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/livez", () => TypedResults.Json(new MessageResponse("alive"), ServerJsonContext.Api.MessageResponse))
            .AllowAnonymous().WithMetadata(new RouteLabel("livez"), new AnonymousRoute());
        app.MapGet("/healthz", (HealthProbe probe, HealthCheckService checks, CancellationToken ct) => probe.AnswerAsync(checks, KvHealthChecks.Healthy, ct))
            .AllowAnonymous().WithMetadata(new RouteLabel("healthz"), new AnonymousRoute());
        app.MapGet("/readyz", (HealthProbe probe, HealthCheckService checks, CancellationToken ct) => probe.AnswerAsync(checks, KvHealthChecks.Ready, ct))
            .AllowAnonymous().WithMetadata(new RouteLabel("readyz"), new AnonymousRoute());
        return app;
    }
}

/// <summary>Marks a route that deliberately needs no credential (audited by tests).</summary>
public sealed record AnonymousRoute;

/// <summary>Checks the silo and its storage: what the health checks of <see cref="KvHealthChecks"/> ask.</summary>
internal sealed class HealthProbe
{
    private readonly SiloState _silo;
    private readonly INamespaceStore _store;
    private readonly ClusteringOptions _options;

    public HealthProbe(SiloState silo, INamespaceStore store, IOptions<ClusteringOptions> options)
    {
        _silo = silo;
        _store = store;
        _options = options.Value;
    }

    public SiloState Silo => _silo;

    /// <summary>Whether the silo is healthy (and, if asked, Active) with its storage answering within a second.</summary>
    public async Task<(bool Healthy, bool StorageOk)> CheckAsync(bool requireActive, CancellationToken cancellationToken)
    {
        bool storageOk;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            storageOk = await _store.PingAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            storageOk = false;
        }

        var status = _silo.Status;
        var siloOk = requireActive ? status == SiloStatus.Active : status is SiloStatus.Active or SiloStatus.Joining or SiloStatus.ShuttingDown or SiloStatus.Stopping;
        return (siloOk && storageOk, storageOk);
    }

    /// <summary>The JSON answer of a REST probe from the health checks tagged <paramref name="tag"/>.</summary>
    public async Task<IResult> AnswerAsync(HealthCheckService checks, string tag, CancellationToken cancellationToken)
    {
        var report = await checks.CheckHealthAsync(r => r.Tags.Contains(tag), cancellationToken);
        var healthy = report.Status == HealthStatus.Healthy;
        var storageOk = KvHealthChecks.StorageOk(report);
        var body = new HealthResponse(
            healthy ? "ok" : "unavailable",
            _silo.Silo.ToString(),
            _silo.Status.ToString(),
            _silo.ClusterSize,
            storageOk ? "ok" : "unavailable",
            _options.IsClustered ? "cluster" : "embedded");
        return TypedResults.Json(body, ServerJsonContext.Api.HealthResponse, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
