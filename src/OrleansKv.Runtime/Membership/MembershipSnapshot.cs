using System.Collections.Frozen;
using System.Collections.Immutable;

namespace OrleansKv.Runtime;

/// <summary>An immutable view of cluster membership at one table version.</summary>
public sealed class MembershipSnapshot
{
    private readonly FrozenDictionary<SiloAddress, SiloStatus> _statuses;

    public MembershipSnapshot(long version, IEnumerable<KeyValuePair<SiloAddress, SiloStatus>> silos)
    {
        Version = version;
        _statuses = silos.ToFrozenDictionary();
        ActiveSilos = [.. _statuses.Where(s => s.Value == SiloStatus.Active).Select(s => s.Key).OrderBy(s => s.ToString(), StringComparer.Ordinal)];
    }

    /// <summary>The table version this view was read at; higher is newer.</summary>
    public long Version { get; }

    /// <summary>The silos that may host activations, in a stable order.</summary>
    public ImmutableArray<SiloAddress> ActiveSilos { get; }

    /// <summary>Every silo with an entry and its status.</summary>
    public IReadOnlyDictionary<SiloAddress, SiloStatus> Statuses => _statuses;

    /// <summary>The status of <paramref name="silo"/>, or <see cref="SiloStatus.None"/>.</summary>
    public SiloStatus GetStatus(SiloAddress silo) => _statuses.TryGetValue(silo, out var status) ? status : SiloStatus.None;

    /// <summary>True when <paramref name="silo"/> is Active.</summary>
    public bool IsActive(SiloAddress silo) => GetStatus(silo) == SiloStatus.Active;

    /// <summary>True when <paramref name="silo"/> is known to be dead, or is an older generation of a live endpoint.</summary>
    public bool IsKnownDead(SiloAddress silo)
    {
        var status = GetStatus(silo);
        if (status == SiloStatus.Dead)
        {
            return true;
        }

        return status == SiloStatus.None
            && _statuses.Keys.Any(s => s.Endpoint == silo.Endpoint && s.Generation > silo.Generation);
    }
}
