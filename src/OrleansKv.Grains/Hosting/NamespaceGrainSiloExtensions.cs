using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansKv.Grains;

/// <summary>Registers what namespace grains need on a silo.</summary>
public static class NamespaceGrainSiloExtensions
{
    /// <summary>The Orleans grain type of namespace grains (their grain ids are <c>ns/&lt;namespace&gt;</c>).</summary>
    public const string GrainTypeName = "ns";

    /// <summary>The service key of the clock namespace grains read (expiry, leases); tests replace it.</summary>
    public const string ClockKey = "OrleansKv.Namespaces.Clock";

    /// <summary>
    /// Adds the options, metrics and clock of <see cref="NamespaceGrain"/> (the grain class itself is found by Orleans'
    /// code generation); a namespace store (<c>AddSqliteNamespaceStore</c> or <c>AddRedisNamespaceStore</c>) and a
    /// reminder service must be registered too.
    /// </summary>
    public static ISiloBuilder AddNamespaceGrains(this ISiloBuilder silo, Action<NamespaceGrainOptions>? configure = null)
    {
        var options = silo.Services.AddOptions<NamespaceGrainOptions>().BindConfiguration("Namespaces");
        if (configure is not null)
        {
            options.Configure(configure);
        }

        silo.Services.TryAddSingleton<NamespaceMetrics>();
        silo.Services.TryAddKeyedSingleton(ClockKey, TimeProvider.System);
        return silo;
    }
}
