using System.Runtime.CompilerServices;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

public sealed partial class NamespaceGrain
{
    public ValueTask<StoredEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ThrowIfBroken();
        Validate(key);
        _metrics.Operation("get");
        StoredEntry? entry;
        object? loadToken;
        lock (_sync)
        {
            if (_cache.TryGet(key, out entry))
            {
                return ValueTask.FromResult(Live(entry));
            }

            loadToken = _cache.BeginLoad(key);
        }

        return LoadCommittedAsync(key, loadToken, cancellationToken);
    }

    public async IAsyncEnumerable<EntrySummary> ListAsync(ListQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfBroken();
        ArgumentNullException.ThrowIfNull(query);
        _metrics.Operation("list");

        // Writes acknowledged before the listing started are visible to it.
        await WaitForStagedAsync().ConfigureAwait(false);
        var remaining = query.Limit <= 0 ? long.MaxValue : query.Limit;
        var after = string.IsNullOrEmpty(query.StartAfter) ? null : query.StartAfter;
        while (remaining > 0)
        {
            var want = (int)Math.Min(remaining, _options.ListPageSize);
            var page = await _store.ListPageAsync(_ns, query.Prefix ?? string.Empty, after, want, NowMs, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Reads the committed entry from the store and caches it (unless a commit got there first).</summary>
    private async ValueTask<StoredEntry?> LoadCommittedAsync(string key, object? loadToken, CancellationToken cancellationToken)
    {
        StoredEntry? entry;
        try
        {
            entry = await _store.ReadAsync(_ns, key, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (loadToken is not null)
            {
                lock (_sync)
                {
                    _cache.AbandonLoad(key, loadToken);
                }
            }

            throw;
        }

        if (loadToken is not null)
        {
            lock (_sync)
            {
                _cache.CompleteLoad(key, loadToken, entry);
            }
        }

        return Live(entry);
    }

    /// <summary>
    /// The entry a write must be checked against: the latest staged write, else the committed entry.
    /// Called only inside an exclusive turn. May return an expired entry (it still occupies its row).
    /// </summary>
    private ValueTask<StoredEntry?> CurrentForWriteAsync(string key, CancellationToken cancellationToken)
    {
        object? loadToken;
        lock (_sync)
        {
            if (_overlay.TryGetValue(key, out var pending))
            {
                return ValueTask.FromResult(pending.Entry);
            }

            if (_cache.TryGet(key, out var cached))
            {
                return ValueTask.FromResult(cached);
            }

            loadToken = _cache.BeginLoad(key);
        }

        return LoadRawAsync(key, loadToken, cancellationToken);
    }

    private async ValueTask<StoredEntry?> LoadRawAsync(string key, object? loadToken, CancellationToken cancellationToken)
    {
        var loaded = false;
        StoredEntry? entry = null;
        try
        {
            entry = await _store.ReadAsync(_ns, key, cancellationToken).ConfigureAwait(false);
            loaded = true;
            return entry;
        }
        finally
        {
            if (loadToken is not null)
            {
                lock (_sync)
                {
                    if (loaded)
                    {
                        _cache.CompleteLoad(key, loadToken, entry);
                    }
                    else
                    {
                        _cache.AbandonLoad(key, loadToken);
                    }
                }
            }
        }
    }

    private StoredEntry? Live(StoredEntry? entry) => entry is not null && entry.IsExpiredAt(NowMs) ? null : entry;
}
