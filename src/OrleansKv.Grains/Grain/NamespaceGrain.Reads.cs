using System.Runtime.CompilerServices;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

/// <summary>Reads: point reads from the committed view (the cache, else one shared store read), and listings.</summary>
public sealed partial class NamespaceGrain
{
    private readonly Dictionary<string, (object Token, Task<LoadResult> Task)> _loads = new(StringComparer.Ordinal);

    public async ValueTask<StoredEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ThrowIfRetired();
        Validate(key);
        _metrics.Operation("get");
        await EnsureOwnedAsync();
        var entry = _cache.TryGet(key, out var cached) ? cached : await LoadAsync(key);
        return Live(entry);
    }

    /// <remarks>
    /// Pages come straight from the store, which holds every acknowledged write (a write is acknowledged once durable),
    /// so a listing reflects every write acknowledged before it started, on whichever activation it runs.
    /// </remarks>
    public async IAsyncEnumerable<EntrySummary> ListAsync(ListQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfRetired();
        ArgumentNullException.ThrowIfNull(query);
        _metrics.Operation("list");
        var remaining = query.Limit <= 0 ? long.MaxValue : query.Limit;
        var after = string.IsNullOrEmpty(query.StartAfter) ? null : query.StartAfter;
        while (remaining > 0)
        {
            var want = (int)Math.Min(remaining, _options.ListPageSize);
            var page = await _store.ListPageAsync(_ns, query.Prefix ?? string.Empty, after, want, NowMs, cancellationToken);
            foreach (var item in page)
            {
                yield return item;
            }

            remaining -= page.Count;
            if (page.Count < want)
            {
                yield break;
            }

            after = page[^1].Key;
        }
    }

    /// <summary>
    /// The committed entry of <paramref name="key"/> (null = absent), from the cache or else from the store. Callers
    /// that miss at the same time share one store read. A read that a commit of the same key overtook is not used
    /// (the commit's entry is then in the cache, or the key is read again), so what this returns never goes back in
    /// time: once a caller saw a write, no later caller sees what it replaced.
    /// </summary>
    private async ValueTask<StoredEntry?> LoadAsync(string key)
    {
        while (true)
        {
            if (_cache.TryGet(key, out var cached))
            {
                return cached;
            }

            LoadResult loaded;
            if (_loads.TryGetValue(key, out var shared))
            {
                loaded = await shared.Task;
            }
            else
            {
                var token = _cache.BeginLoad(key);
                var load = ReadIntoCacheAsync(key, token);
                if (!load.IsCompleted)
                {
                    _loads[key] = (token, load);
                }

                loaded = await load;
            }

            if (loaded.Current)
            {
                return loaded.Entry;
            }
        }
    }

    private async Task<LoadResult> ReadIntoCacheAsync(string key, object token)
    {
        try
        {
            var entry = await _store.ReadAsync(_ns, key, CancellationToken.None);
            return new LoadResult(entry, _cache.CompleteLoad(key, token, entry));
        }
        catch
        {
            _cache.AbandonLoad(key, token);
            throw;
        }
        finally
        {
            if (_loads.TryGetValue(key, out var registered) && ReferenceEquals(registered.Token, token))
            {
                _loads.Remove(key);
            }
        }
    }

    private StoredEntry? Live(StoredEntry? entry) => entry is not null && entry.IsExpiredAt(NowMs) ? null : entry;

    /// <summary>A store read: the entry, and whether it is still the committed one (no commit of the key overtook it).</summary>
    private readonly record struct LoadResult(StoredEntry? Entry, bool Current);
}
