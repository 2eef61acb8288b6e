using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

/// <summary>
/// The committed view of a namespace's hot keys: an LRU of entries and known-absent keys, bounded by count
/// and bytes, so a namespace of millions of keys keeps only its working set in memory. Not thread-safe: only
/// the grain's own turns use it.
/// </summary>
/// <remarks>
/// <para>A read that misses loads from the store under a placeholder token; the loaded value is inserted only if
/// the placeholder is still there. A commit replaces whatever is cached (placeholders included), so a slow
/// load can never put back a value older than a commit.</para>
/// <para>The reference count of each cached entry's content (how many keys hold the same bytes) is kept once per
/// content, for as long as a cached entry holds it, so a commit that changes it through another key shows on every
/// cached entry with that content.</para>
/// </remarks>
internal sealed class EntryCache
{
    private readonly Dictionary<string, LinkedListNode<Slot>> _slots = new(StringComparer.Ordinal);
    private readonly LinkedList<Slot> _lru = new();
    private readonly Dictionary<ContentHash, ContentUse> _contents = [];
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly int _maxValueBytes;
    private long _bytes;

    public EntryCache(int maxEntries, long maxBytes, int maxValueBytes)
    {
        _maxEntries = maxEntries;
        _maxBytes = maxBytes;
        _maxValueBytes = maxValueBytes;
    }

    public int Count => _slots.Count;

    public long Bytes => _bytes;

    /// <summary>Looks a key up: Hit with the entry (null = known absent), or Miss.</summary>
    public bool TryGet(string key, out StoredEntry? entry)
    {
        if (_slots.TryGetValue(key, out var node) && node.Value.Loader is null)
        {
            Promote(node);
            entry = node.Value.Entry;
            if (entry is not null && _contents.TryGetValue(node.Value.Hash, out var use) && use.Refs != entry.Refs)
            {
                entry = entry with { Refs = use.Refs };
                node.Value = node.Value with { Entry = entry };
            }

            return true;
        }

        entry = null;
        return false;
    }

    /// <summary>Marks a load of <paramref name="key"/> in progress (replacing an older placeholder); returns the token to complete it with.</summary>
    public object BeginLoad(string key)
    {
        if (_slots.TryGetValue(key, out var node))
        {
            Remove(node);
        }

        var token = new object();
        Add(key, new Slot(key, null, token));
        return token;
    }

    /// <summary>
    /// Completes a load: when the placeholder is still <paramref name="token"/> (no commit of the key and no eviction
    /// came in between), caches the entry if it is small enough and returns true; otherwise changes nothing and
    /// returns false, because the loaded entry may be older than a commit.
    /// </summary>
    public bool CompleteLoad(string key, object token, StoredEntry? entry)
    {
        if (!_slots.TryGetValue(key, out var node) || !ReferenceEquals(node.Value.Loader, token))
        {
            return false;
        }

        Remove(node);
        if (Cacheable(entry))
        {
            Add(key, new Slot(key, entry, null));
        }

        return true;
    }

    /// <summary>Drops the placeholder of a load that failed, caching nothing.</summary>
    public void AbandonLoad(string key, object token)
    {
        if (_slots.TryGetValue(key, out var node) && ReferenceEquals(node.Value.Loader, token))
        {
            Remove(node);
        }
    }

    /// <summary>Records committed state for a key (an entry, or null for deleted); replaces anything cached.</summary>
    public void SetCommitted(string key, StoredEntry? entry)
    {
        if (_slots.TryGetValue(key, out var node))
        {
            Remove(node);
        }

        if (Cacheable(entry))
        {
            Add(key, new Slot(key, entry, null));
        }
    }

    /// <summary>Records the reference count a commit left on a content, for the cached entries that hold it.</summary>
    public void SetRefs(ContentHash hash, long refs)
    {
        if (_contents.TryGetValue(hash, out var use))
        {
            use.Refs = refs;
        }
    }

    /// <summary>Forgets everything (after a failed commit, whose outcome is unknown).</summary>
    public void Clear()
    {
        _slots.Clear();
        _lru.Clear();
        _contents.Clear();
        _bytes = 0;
    }

    private bool Cacheable(StoredEntry? entry) => entry is null || entry.Value.Length <= _maxValueBytes;

    private void Add(string key, Slot slot)
    {
        if (slot.Entry is { } entry)
        {
            if (!_contents.TryGetValue(slot.Hash, out var use))
            {
                _contents[slot.Hash] = use = new ContentUse { Refs = entry.Refs };
            }

            use.Users++;
        }

        var node = _lru.AddFirst(slot);
        _slots[key] = node;
        _bytes += slot.Size;
        while ((_slots.Count > _maxEntries || _bytes > _maxBytes) && _lru.Last is { } last && last != node)
        {
            Remove(last);
        }
    }

    private void Remove(LinkedListNode<Slot> node)
    {
        if (node.Value.Entry is not null && _contents.TryGetValue(node.Value.Hash, out var use) && --use.Users == 0)
        {
            _contents.Remove(node.Value.Hash);
        }

        _slots.Remove(node.Value.Key);
        _lru.Remove(node);
        _bytes -= node.Value.Size;
    }

    private void Promote(LinkedListNode<Slot> node)
    {
        if (node != _lru.First)
        {
            _lru.Remove(node);
            _lru.AddFirst(node);
        }
    }

    private sealed record Slot(string Key, StoredEntry? Entry, object? Loader)
    {
        public long Size { get; } = 64 + (Key.Length * 2) + (Entry is null ? 0 : Entry.Value.Length + 160);

        public ContentHash Hash { get; } = Entry is { Sha256.Length: 32 } ? ContentHash.Of(Entry.Sha256) : default;
    }

    /// <summary>A content's reference count, and how many cached entries hold it.</summary>
    private sealed class ContentUse
    {
        public long Refs;
        public int Users;
    }
}
