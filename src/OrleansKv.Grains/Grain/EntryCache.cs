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
/// <para>Reference counts (how many keys hold the same bytes) are kept only for contents that more than one key
/// holds, in one small map by content; every other cached entry's content has a count of one. Every commit reports
/// the counts it changed (<see cref="SetRefs"/>), so the map stays current, and a cached entry's count is read from
/// it, which shows a commit through another key on every cached entry with that content. A load that a commit
/// overtook cannot tell whether its count is still current, so it is served but not cached.</para>
/// <para>Memory per key: one 24-byte slot in an array (the slot is the key's hash-chain and LRU node, linked by index)
/// and a 4-byte bucket, besides the entry itself; the key is the entry's own, or the slot holds the key string for a
/// key known absent. Nothing is allocated before the first key is cached; the slot array starts at two slots, doubles
/// while small and then grows by half, up to the entry bound, so it never holds many more slots than keys.</para>
/// </remarks>
internal sealed class EntryCache
{
    private const int None = -1;
    private const int FirstCapacity = 2;

    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly int _maxValueBytes;
    private Slot[]? _slots;
    private int[]? _buckets;
    private int _count;
    private int _used;
    private int _free = None;
    private int _newest = None;
    private int _oldest = None;
    private long _bytes;
    private Dictionary<ContentHash, long>? _shared;
    private long _refsReports;

    public EntryCache(int maxEntries, long maxBytes, int maxValueBytes)
    {
        _maxEntries = Math.Max(1, maxEntries);
        _maxBytes = maxBytes;
        _maxValueBytes = maxValueBytes;
    }

    /// <summary>Cached keys, loads in progress included.</summary>
    public int Count => _count;

    public long Bytes => _bytes;

    /// <summary>Contents whose reference count is kept (held by more than one key).</summary>
    public int SharedCounts => _shared?.Count ?? 0;

    /// <summary>Looks a key up: Hit with the entry (null = known absent), or Miss.</summary>
    public bool TryGet(string key, out StoredEntry? entry)
    {
        var index = Find(key, HashOf(key));
        if (index == None || _slots![index].Item is Placeholder)
        {
            entry = null;
            return false;
        }

        Promote(index);
        ref var slot = ref _slots[index];
        entry = slot.Item as StoredEntry;
        if (entry is not null && RefsOf(entry.Sha256) is var refs && refs != entry.Refs)
        {
            slot.Item = entry = entry with { Refs = refs };
        }

        return true;
    }

    /// <summary>Marks a load of <paramref name="key"/> in progress (replacing an older placeholder); returns the token to complete it with.</summary>
    public object BeginLoad(string key)
    {
        var hash = HashOf(key);
        RemoveAt(Find(key, hash));
        var placeholder = new Placeholder(key, _refsReports);
        Add(placeholder, hash);
        return placeholder;
    }

    /// <summary>
    /// Completes a load: when the placeholder is still <paramref name="token"/> (no commit of the key and no eviction
    /// came in between), caches the entry if it is small enough and its reference count is known to be current, and
    /// returns true; otherwise changes nothing and returns false, because the loaded entry may be older than a commit.
    /// </summary>
    public bool CompleteLoad(string key, object token, StoredEntry? entry)
    {
        var hash = HashOf(key);
        var index = Find(key, hash);
        if (index == None || !ReferenceEquals(_slots![index].Item, token))
        {
            return false;
        }

        RemoveAt(index);
        var refsCurrent = entry is null || ((Placeholder)token).RefsReports == _refsReports || (_shared?.ContainsKey(entry.Sha256) ?? false);
        if (refsCurrent && Cacheable(entry))
        {
            Insert(key, hash, entry);
        }

        return true;
    }

    /// <summary>Drops the placeholder of a load that failed, caching nothing.</summary>
    public void AbandonLoad(string key, object token)
    {
        var index = Find(key, HashOf(key));
        if (index != None && ReferenceEquals(_slots![index].Item, token))
        {
            RemoveAt(index);
        }
    }

    /// <summary>Records committed state for a key (an entry, or null for deleted); replaces anything cached.</summary>
    public void SetCommitted(string key, StoredEntry? entry)
    {
        var hash = HashOf(key);
        RemoveAt(Find(key, hash));
        if (Cacheable(entry))
        {
            Insert(key, hash, entry);
        }
    }

    /// <summary>Records the reference count a commit left on a content (0: the content is gone).</summary>
    public void SetRefs(ContentHash hash, long refs)
    {
        _refsReports++;
        if (refs > 1)
        {
            Share(hash, refs);
        }
        else
        {
            _shared?.Remove(hash);
        }
    }

    /// <summary>Forgets everything (after a failed commit, whose outcome is unknown).</summary>
    public void Clear()
    {
        _slots = null;
        _buckets = null;
        _shared = null;
        _count = _used = 0;
        _free = _newest = _oldest = None;
        _bytes = 0;
    }

    private static int HashOf(string key) => StringComparer.Ordinal.GetHashCode(key) & int.MaxValue;

    private static string KeyOf(object item) => item switch
    {
        StoredEntry entry => entry.Key,
        Placeholder placeholder => placeholder.Key,
        _ => (string)item,
    };

    /// <summary>What the byte bound counts for a key (an estimate of its memory, value included); nothing for a load
    /// in progress.</summary>
    private static long SizeOf(object item) => item switch
    {
        Placeholder => 0,
        StoredEntry entry => 64 + (entry.Key.Length * 2) + entry.Value.Length + 160,
        _ => 64 + (((string)item).Length * 2),
    };

    private bool Cacheable(StoredEntry? entry) => entry is null || entry.Value.Length <= _maxValueBytes;

    private long RefsOf(ContentHash hash) => _shared is not null && _shared.TryGetValue(hash, out var refs) ? refs : 1;

    private void Insert(string key, int hash, StoredEntry? entry)
    {
        if (entry is not null && entry.Refs != 1 && !(_shared?.ContainsKey(entry.Sha256) ?? false))
        {
            Share(entry.Sha256, entry.Refs);
        }

        Add((object?)entry ?? key, hash);
    }

    /// <summary>Keeps a shared content's count. The map also keeps counts of contents no cached entry holds any more
    /// (a commit reports them all); when it outgrows the cache, those are dropped.</summary>
    private void Share(ContentHash hash, long refs)
    {
        (_shared ??= [])[hash] = refs;
        if (_shared.Count > 64 + (2 * _count))
        {
            var held = new HashSet<ContentHash>();
            for (var i = 0; i < _used; i++)
            {
                if (_slots![i].Item is StoredEntry entry && _shared.ContainsKey(entry.Sha256))
                {
                    held.Add(entry.Sha256);
                }
            }

            foreach (var stale in _shared.Keys)
            {
                if (!held.Contains(stale))
                {
                    _shared.Remove(stale);
                }
            }
        }
    }

    private int Find(string key, int hash)
    {
        if (_buckets is null)
        {
            return None;
        }

        for (var i = _buckets[hash & (_buckets.Length - 1)] - 1; i != None; i = _slots![i].Next - 1)
        {
            ref var slot = ref _slots![i];
            if (slot.HashCode == hash && string.Equals(KeyOf(slot.Item!), key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return None;
    }

    private void Add(object item, int hash)
    {
        while (_count >= _maxEntries && _oldest != None)
        {
            RemoveAt(_oldest);
        }

        int index;
        if (_free != None)
        {
            index = _free;
            _free = _slots![index].Next - 1;
        }
        else
        {
            if (_slots is null || _used == _slots.Length)
            {
                GrowSlots();
            }

            index = _used++;
        }

        if (++_count > _buckets!.Length)
        {
            Rehash(_buckets.Length * 2);
        }

        ref var slot = ref _slots![index];
        slot.Item = item;
        slot.HashCode = hash;
        ref var bucket = ref _buckets[hash & (_buckets.Length - 1)];
        slot.Next = bucket;
        bucket = index + 1;
        LinkNewest(index);
        _bytes += SizeOf(item);
        while (_bytes > _maxBytes && _oldest != index)
        {
            RemoveAt(_oldest);
        }
    }

    private void GrowSlots()
    {
        if (_slots is null)
        {
            _slots = new Slot[Math.Min(FirstCapacity, _maxEntries)];
            _buckets = new int[FirstCapacity];
            return;
        }

        // Doubling while small (an activation of a few keys stays small), then by half, so that the slack stays a third at most.
        var capacity = (int)Math.Min(_maxEntries, _slots.Length < 64 ? _slots.Length * 2L : _slots.Length + (_slots.Length / 2L));
        Array.Resize(ref _slots, capacity);
    }

    private void Rehash(int bucketCount)
    {
        _buckets = new int[bucketCount];
        for (var i = 0; i < _used; i++)
        {
            ref var slot = ref _slots![i];
            if (slot.Item is not null)
            {
                ref var bucket = ref _buckets[slot.HashCode & (bucketCount - 1)];
                slot.Next = bucket;
                bucket = i + 1;
            }
        }
    }

    private void RemoveAt(int index)
    {
        if (index == None)
        {
            return;
        }

        ref var slot = ref _slots![index];
        ref var link = ref _buckets![slot.HashCode & (_buckets.Length - 1)];
        while (link - 1 != index)
        {
            link = ref _slots[link - 1].Next;
        }

        link = slot.Next;
        Unlink(index);
        _bytes -= SizeOf(slot.Item!);
        slot.Item = null;
        slot.Next = _free + 1;
        _free = index;
        _count--;
    }

    private void Promote(int index)
    {
        if (index != _newest)
        {
            Unlink(index);
            LinkNewest(index);
        }
    }

    private void LinkNewest(int index)
    {
        ref var slot = ref _slots![index];
        slot.Older = _newest;
        slot.Newer = None;
        if (_newest != None)
        {
            _slots[_newest].Newer = index;
        }

        _newest = index;
        if (_oldest == None)
        {
            _oldest = index;
        }
    }

    private void Unlink(int index)
    {
        ref var slot = ref _slots![index];
        if (slot.Newer == None)
        {
            _newest = slot.Older;
        }
        else
        {
            _slots[slot.Newer].Older = slot.Older;
        }

        if (slot.Older == None)
        {
            _oldest = slot.Newer;
        }
        else
        {
            _slots[slot.Older].Newer = slot.Newer;
        }

        slot.Newer = slot.Older = None;
    }

    /// <summary>A cached key: its item (the entry; the key string when the key is known absent; or a load's
    /// placeholder; null when the slot is free), its hash, the next slot of its bucket or of the free list (index + 1,
    /// 0 for none, as in the buckets), and its neighbours in the LRU order (index, <see cref="None"/> at the ends).</summary>
    private struct Slot
    {
        public object? Item;
        public int HashCode;
        public int Next;
        public int Newer;
        public int Older;
    }

    /// <summary>A load in progress: a miss until the load completes, and the load's token. It remembers how many
    /// reference-count reports had come in when the load began.</summary>
    private sealed class Placeholder(string key, long refsReports)
    {
        public string Key { get; } = key;

        public long RefsReports { get; } = refsReports;
    }
}
