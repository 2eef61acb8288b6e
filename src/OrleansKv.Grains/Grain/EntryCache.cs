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
/// <para>Memory per key: one dictionary entry and one <see cref="Slot"/>, which is its own LRU node, besides the entry
/// itself; one <see cref="ContentUse"/> per distinct content. Nothing is allocated before the first key is cached.</para>
/// </remarks>
internal sealed class EntryCache
{
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly int _maxValueBytes;
    private Dictionary<string, Slot>? _slots;
    private Dictionary<ContentHash, ContentUse>? _contents;
    private Slot? _newest;
    private Slot? _oldest;
    private long _bytes;

    public EntryCache(int maxEntries, long maxBytes, int maxValueBytes)
    {
        _maxEntries = maxEntries;
        _maxBytes = maxBytes;
        _maxValueBytes = maxValueBytes;
    }

    public int Count => _slots?.Count ?? 0;

    public long Bytes => _bytes;

    /// <summary>Looks a key up: Hit with the entry (null = known absent), or Miss.</summary>
    public bool TryGet(string key, out StoredEntry? entry)
    {
        if (_slots is not null && _slots.TryGetValue(key, out var slot) && slot is not Placeholder)
        {
            Promote(slot);
            entry = slot.Entry;
            if (entry is not null && slot.Content!.Refs != entry.Refs)
            {
                slot.Entry = entry = entry with { Refs = slot.Content.Refs };
            }

            return true;
        }

        entry = null;
        return false;
    }

    /// <summary>Marks a load of <paramref name="key"/> in progress (replacing an older placeholder); returns the token to complete it with.</summary>
    public object BeginLoad(string key)
    {
        RemoveKey(key);
        var placeholder = new Placeholder(key);
        Add(placeholder);
        return placeholder;
    }

    /// <summary>
    /// Completes a load: when the placeholder is still <paramref name="token"/> (no commit of the key and no eviction
    /// came in between), caches the entry if it is small enough and returns true; otherwise changes nothing and
    /// returns false, because the loaded entry may be older than a commit.
    /// </summary>
    public bool CompleteLoad(string key, object token, StoredEntry? entry)
    {
        if (_slots is null || !_slots.TryGetValue(key, out var slot) || !ReferenceEquals(slot, token))
        {
            return false;
        }

        Remove(slot);
        if (Cacheable(entry))
        {
            Add(new Slot(key, entry));
        }

        return true;
    }

    /// <summary>Drops the placeholder of a load that failed, caching nothing.</summary>
    public void AbandonLoad(string key, object token)
    {
        if (_slots is not null && _slots.TryGetValue(key, out var slot) && ReferenceEquals(slot, token))
        {
            Remove(slot);
        }
    }

    /// <summary>Records committed state for a key (an entry, or null for deleted); replaces anything cached.</summary>
    public void SetCommitted(string key, StoredEntry? entry)
    {
        RemoveKey(key);
        if (Cacheable(entry))
        {
            Add(new Slot(key, entry));
        }
    }

    /// <summary>Records the reference count a commit left on a content, for the cached entries that hold it.</summary>
    public void SetRefs(ContentHash hash, long refs)
    {
        if (_contents is not null && _contents.TryGetValue(hash, out var use))
        {
            use.Refs = refs;
        }
    }

    /// <summary>Forgets everything (after a failed commit, whose outcome is unknown).</summary>
    public void Clear()
    {
        _slots = null;
        _contents = null;
        _newest = _oldest = null;
        _bytes = 0;
    }

    private bool Cacheable(StoredEntry? entry) => entry is null || entry.Value.Length <= _maxValueBytes;

    private void RemoveKey(string key)
    {
        if (_slots is not null && _slots.TryGetValue(key, out var slot))
        {
            Remove(slot);
        }
    }

    private void Add(Slot slot)
    {
        if (slot.Entry is { } entry)
        {
            var hash = HashOf(entry);
            _contents ??= [];
            if (!_contents.TryGetValue(hash, out var use))
            {
                _contents[hash] = use = new ContentUse { Refs = entry.Refs };
            }

            use.Users++;
            slot.Content = use;
        }

        (_slots ??= new(StringComparer.Ordinal))[slot.Key] = slot;
        LinkNewest(slot);
        _bytes += slot.Size;
        while ((_slots.Count > _maxEntries || _bytes > _maxBytes) && _oldest is { } oldest && oldest != slot)
        {
            Remove(oldest);
        }
    }

    private void Remove(Slot slot)
    {
        if (slot.Content is { } use && --use.Users == 0)
        {
            _contents!.Remove(HashOf(slot.Entry!));
        }

        _slots!.Remove(slot.Key);
        Unlink(slot);
        _bytes -= slot.Size;
    }

    private void Promote(Slot slot)
    {
        if (slot != _newest)
        {
            Unlink(slot);
            LinkNewest(slot);
        }
    }

    private void LinkNewest(Slot slot)
    {
        slot.Older = _newest;
        slot.Newer = null;
        if (_newest is not null)
        {
            _newest.Newer = slot;
        }

        _newest = slot;
        _oldest ??= slot;
    }

    private void Unlink(Slot slot)
    {
        if (slot.Newer is null)
        {
            _newest = slot.Older;
        }
        else
        {
            slot.Newer.Older = slot.Older;
        }

        if (slot.Older is null)
        {
            _oldest = slot.Newer;
        }
        else
        {
            slot.Older.Newer = slot.Newer;
        }

        slot.Newer = slot.Older = null;
    }

    private static ContentHash HashOf(StoredEntry entry) => entry.Sha256 is { Length: 32 } sha ? ContentHash.Of(sha) : default;

    /// <summary>A cached key, and its own node in the LRU list: an entry, or null when the key is known absent.</summary>
    private class Slot(string key, StoredEntry? entry)
    {
        public string Key { get; } = key;

        public StoredEntry? Entry { get; set; } = entry;

        /// <summary>The use record of the entry's content; null when there is no entry.</summary>
        public ContentUse? Content { get; set; }

        public Slot? Newer { get; set; }

        public Slot? Older { get; set; }

        /// <summary>What the byte bound counts for this key (an estimate of its memory, value included).</summary>
        public long Size => 64 + (Key.Length * 2) + (Entry is null ? 0 : Entry.Value.Length + 160);
    }

    /// <summary>A load in progress: a miss until the load completes; the slot itself is the load's token.</summary>
    private sealed class Placeholder(string key) : Slot(key, null);

    /// <summary>A content's reference count, and how many cached entries hold it.</summary>
    private sealed class ContentUse
    {
        public long Refs;
        public int Users;
    }
}
