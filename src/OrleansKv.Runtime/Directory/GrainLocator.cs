using System.Collections.Concurrent;

namespace OrleansKv.Runtime;

/// <summary>
/// Finds the silo to send a grain call to: a cached answer while its silo is active, else the directory
/// entry (replacing one that points at a dead silo), else the placement choice. The cache is dropped on
/// every membership change and corrected by redirects.
/// </summary>
internal sealed class GrainLocator
{
    private const int MaxCacheEntries = 200_000;
    private readonly ConcurrentDictionary<GrainId, SiloAddress> _cache = new();
    private readonly IClusterMembership _membership;
    private readonly IGrainDirectory _directory;
    private readonly IPlacementDirector _placement;

    public GrainLocator(IClusterMembership membership, IGrainDirectory directory, IPlacementDirector placement)
    {
        _membership = membership;
        _directory = directory;
        _placement = placement;
        _membership.Changed += _ => _cache.Clear();
    }

    public ValueTask<SiloAddress> LocateAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        var snapshot = _membership.Current;
        if (_cache.TryGetValue(grainId, out var silo) && snapshot.IsActive(silo))
        {
            return ValueTask.FromResult(silo);
        }

        return LocateSlowAsync(grainId, snapshot, cancellationToken);
    }

    /// <summary>Forgets the cached location; <paramref name="owner"/>, when known, becomes the new one.</summary>
    public void Invalidate(GrainId grainId, SiloAddress? owner)
    {
        if (owner is null)
        {
            _cache.TryRemove(grainId, out _);
        }
        else
        {
            _cache[grainId] = owner;
        }
    }

    private async ValueTask<SiloAddress> LocateSlowAsync(GrainId grainId, MembershipSnapshot snapshot, CancellationToken cancellationToken)
    {
        var entry = await _directory.LookupAsync(grainId, cancellationToken).ConfigureAwait(false);
        if (entry is not null)
        {
            if (snapshot.IsActive(entry.Silo))
            {
                Remember(grainId, entry.Silo);
                return entry.Silo;
            }

            if (!snapshot.IsKnownDead(entry.Silo))
            {
                // Joining, shutting down, or newer than our view: let that silo answer or redirect.
                return entry.Silo;
            }

            await _directory.UnregisterAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        var target = _placement.PickSilo(grainId, snapshot);
        Remember(grainId, target);
        return target;
    }

    private void Remember(GrainId grainId, SiloAddress silo)
    {
        if (_cache.Count >= MaxCacheEntries)
        {
            _cache.Clear();
        }

        _cache[grainId] = silo;
    }
}
