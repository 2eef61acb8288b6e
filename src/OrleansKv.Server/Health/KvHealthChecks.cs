using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansKv.Server.Health;

/// <summary>
/// The ASP.NET Core health checks behind <c>/healthz</c>, <c>/readyz</c> and the standard <c>grpc.health.v1.Health</c>
/// (Check and Watch): one per question, both answered by <see cref="HealthProbe"/>.
/// </summary>
internal static class KvHealthChecks
{
    /// <summary>Tag of the check behind <c>/healthz</c>: the silo and its storage are healthy.</summary>
    public const string Healthy = "healthz";

    /// <summary>Tag of the check behind <c>/readyz</c> and gRPC health: the silo is Active and its storage answers.</summary>
    public const string Ready = "readyz";

    public static IServiceCollection AddKvHealthChecks(this IServiceCollection services)
    {
        services.AddSingleton<HealthProbe>();
        services.AddHealthChecks()
            .AddCheck<SiloHealthCheck>(Healthy, tags: [Healthy])
            .AddCheck<SiloReadyCheck>(Ready, tags: [Ready]);

        // The standard Watch streams what the publisher last saw; check often enough that a probe notices soon.
        services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.FromSeconds(1);
            o.Period = TimeSpan.FromSeconds(5);
        });
        return services;
    }

    /// <summary>Whether every check of <paramref name="report"/> saw the storage answer.</summary>
    public static bool StorageOk(HealthReport report) =>
        report.Entries.Values.All(e => e.Data.TryGetValue(StorageKey, out var ok) && ok is true);

    private const string StorageKey = "storage";

    private static async Task<HealthCheckResult> CheckAsync(HealthProbe probe, bool requireActive, CancellationToken cancellationToken)
    {
        var (healthy, storageOk) = await probe.CheckAsync(requireActive, cancellationToken);
        var data = new Dictionary<string, object> { [StorageKey] = storageOk, ["silo_status"] = probe.Silo.Status.ToString() };
        return healthy
            ? HealthCheckResult.Healthy(data: data)
            : HealthCheckResult.Unhealthy(storageOk ? $"The silo is {probe.Silo.Status}." : "The storage does not answer.", data: data);
    }

    private sealed class SiloHealthCheck(HealthProbe probe) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            CheckAsync(probe, requireActive: false, cancellationToken);
    }

    private sealed class SiloReadyCheck(HealthProbe probe) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            CheckAsync(probe, requireActive: true, cancellationToken);
    }
}
