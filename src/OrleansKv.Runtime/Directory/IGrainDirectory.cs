namespace OrleansKv.Runtime;

/// <summary>Where one activation of a grain lives.</summary>
/// <param name="GrainId">The grain.</param>
/// <param name="Silo">The silo hosting the activation.</param>
/// <param name="ActivationId">Unique per activation, so that an unregistration never removes a newer registration.</param>
public sealed record GrainAddress(GrainId GrainId, SiloAddress Silo, long ActivationId);

/// <summary>
/// The grain directory provider: the cluster-wide record of which activation owns a grain. Registration and
/// unregistration are compare operations, so that at most one activation is registered per grain.
/// </summary>
public interface IGrainDirectory
{
    /// <summary>
    /// Registers <paramref name="address"/> when the grain has no entry, or when its entry equals
    /// <paramref name="previous"/> (to replace an entry known to be stale). Returns the entry that is
    /// registered afterwards: <paramref name="address"/> on success, the existing one otherwise.
    /// </summary>
    Task<GrainAddress> RegisterAsync(GrainAddress address, GrainAddress? previous, CancellationToken cancellationToken);

    /// <summary>The registered activation of <paramref name="grainId"/>, or <c>null</c>.</summary>
    Task<GrainAddress?> LookupAsync(GrainId grainId, CancellationToken cancellationToken);

    /// <summary>Removes the entry only if it still equals <paramref name="address"/>.</summary>
    Task UnregisterAsync(GrainAddress address, CancellationToken cancellationToken);
}
