namespace OrleansKv.Runtime;

/// <summary>The single-silo membership table: a versioned dictionary in memory.</summary>
public sealed class InMemoryMembershipTable : IMembershipTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<SiloAddress, MembershipEntry> _entries = [];
    private long _version;

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(new MembershipTableData(_version, [.. _entries.Values]));
        }
    }

    public Task<bool> TryWriteAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_version != expectedVersion)
            {
                return Task.FromResult(false);
            }

            if (_entries.TryGetValue(entry.Silo, out var existing) && existing.IAmAliveTime > entry.IAmAliveTime)
            {
                entry = entry with { IAmAliveTime = existing.IAmAliveTime };
            }

            _entries[entry.Silo] = entry;
            _version++;
            return Task.FromResult(true);
        }
    }

    public Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(silo, out var entry))
            {
                _entries[silo] = entry with { IAmAliveTime = time };
            }
        }

        return Task.CompletedTask;
    }

    public Task CleanupDefunctEntriesAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var entry in _entries.Values.Where(e => e.Status == SiloStatus.Dead && e.IAmAliveTime < olderThan).ToList())
            {
                _entries.Remove(entry.Silo);
            }
        }

        return Task.CompletedTask;
    }
}
