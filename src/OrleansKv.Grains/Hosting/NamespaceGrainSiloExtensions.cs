using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansKv.Runtime;

namespace OrleansKv.Grains;

/// <summary>Registers the namespace grain with a silo.</summary>
public static class NamespaceGrainSiloExtensions
{
    /// <summary>The grain type name of namespace grains.</summary>
    public const string GrainTypeName = "ns";

    /// <summary>Adds <see cref="NamespaceGrain"/>; a namespace store must be registered too.</summary>
    public static SiloBuilder AddNamespaceGrains(this SiloBuilder silo, Action<NamespaceGrainOptions>? configure = null)
    {
        var options = silo.Services.AddOptions<NamespaceGrainOptions>().BindConfiguration("Namespaces");
        silo.Services.TryAddSingleton<NamespaceMetrics>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return silo.AddGrain<INamespaceGrain, NamespaceGrain>(GrainTypeName, static (id, invoker) => new NamespaceGrainReference(id, invoker), new NamespaceGrainCodec());
    }
}
