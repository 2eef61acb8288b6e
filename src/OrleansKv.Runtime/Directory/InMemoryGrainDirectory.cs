using System.Collections.Concurrent;

namespace OrleansKv.Runtime;

/// <summary>The single-silo grain directory: a dictionary with compare semantics.</summary>
public sealed class InMemoryGrainDirectory : IGrainDirectory
{
    private readonly ConcurrentDictionary<GrainId, GrainAddress> _entries = new();

    public Task<GrainAddress> RegisterAsync(GrainAddress address, GrainAddress? previous, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_entries.TryGetValue(address.GrainId, out var existing))
            {
                if (previous is null || existing != previous)
                {
                    return Task.FromResult(existing);
                }

                if (_entries.TryUpdate(address.GrainId, address, existing))
                {
                    return Task.FromResult(address);
                }
            }
            else if (_entries.TryAdd(address.GrainId, address))
            {
                return Task.FromResult(address);
            }
        }
    }

    public Task<GrainAddress?> LookupAsync(GrainId grainId, CancellationToken cancellationToken) =>
        Task.FromResult(_entries.TryGetValue(grainId, out var address) ? address : null);

    public Task UnregisterAsync(GrainAddress address, CancellationToken cancellationToken)
    {
        _entries.TryRemove(new KeyValuePair<GrainId, GrainAddress>(address.GrainId, address));
        return Task.CompletedTask;
    }
}
