using OrleansKv.Runtime.Activations;

namespace OrleansKv.Runtime;

/// <summary>Read-only facts about the running silo, for health checks, metrics and logs.</summary>
public sealed class SiloRuntimeInfo
{
    private readonly Catalog _catalog;
    private readonly GrainCallInvoker _invoker;
    private readonly IClusterMembership _membership;

    internal SiloRuntimeInfo(Catalog catalog, GrainCallInvoker invoker, IClusterMembership membership)
    {
        _catalog = catalog;
        _invoker = invoker;
        _membership = membership;
    }

    /// <summary>This silo.</summary>
    public SiloAddress Silo => _membership.LocalSilo;

    /// <summary>This silo's status in the cluster.</summary>
    public SiloStatus Status => _membership.LocalStatus;

    /// <summary>Active silos in the cluster, as this silo sees it.</summary>
    public int ClusterSize => _membership.Current.ActiveSilos.Length;

    /// <summary>Activations present on this silo.</summary>
    public int Activations => _catalog.Count;

    /// <summary>Grain calls this silo forwarded to another silo.</summary>
    public long ForwardedCalls => _invoker.ForwardedCalls;
}
