using OrleansKv.Grains;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Tests.Grains;

public sealed class EntryCacheTests
{
    [Fact]
    public void LeastRecentlyUsedKeyIsEvictedFirstAndAReadPromotes()
    {
        var cache = new EntryCache(maxEntries: 2, maxBytes: long.MaxValue, maxValueBytes: 1024);
        cache.SetCommitted("a", Entry("a", "1"));
        cache.SetCommitted("b", Entry("b", "2"));
        Assert.True(cache.TryGet("a", out _));
        cache.SetCommitted("c", Entry("c", "3"));

        Assert.True(cache.TryGet("a", out _));
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("c", out _));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void ByteBoundEvictsOldEntriesAndForgettingReleasesTheBytes()
    {
        var cache = new EntryCache(maxEntries: 100, maxBytes: 1000, maxValueBytes: 1024);
        for (var i = 0; i < 10; i++)
        {
            cache.SetCommitted("k" + i, Entry("k" + i, new string('v', 100)));
            Assert.InRange(cache.Bytes, 1, 1000);
        }

        Assert.True(cache.TryGet("k9", out _));
        Assert.False(cache.TryGet("k0", out _));
        cache.Clear();
        Assert.Equal(0, cache.Bytes);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void LoadCompletesOnlyUnderItsOwnPlaceholder()
    {
        var cache = new EntryCache(100, long.MaxValue, 1024);
        var token = cache.BeginLoad("k");
        Assert.False(cache.TryGet("k", out _));
        cache.SetCommitted("k", Entry("k", "new"));
        Assert.False(cache.CompleteLoad("k", token, Entry("k", "old")));
        Assert.True(cache.TryGet("k", out var entry));
        Assert.Equal("new"u8.ToArray(), entry!.Value);

        var first = cache.BeginLoad("m");
        var second = cache.BeginLoad("m");
        Assert.False(cache.CompleteLoad("m", first, Entry("m", "1")));
        Assert.True(cache.CompleteLoad("m", second, null));
        Assert.False(cache.CompleteLoad("m", second, Entry("m", "again")));
        Assert.True(cache.TryGet("m", out var absent));
        Assert.Null(absent);

        var abandoned = cache.BeginLoad("n");
        cache.AbandonLoad("n", abandoned);
        Assert.False(cache.TryGet("n", out _));
        Assert.False(cache.CompleteLoad("n", abandoned, Entry("n", "1")));
    }

    [Fact]
    public void EvictedPlaceholderCannotComplete()
    {
        var cache = new EntryCache(maxEntries: 1, long.MaxValue, 1024);
        var token = cache.BeginLoad("k");
        cache.SetCommitted("other", Entry("other", "1"));
        Assert.False(cache.CompleteLoad("k", token, Entry("k", "1")));
        Assert.False(cache.TryGet("k", out _));
    }

    [Fact]
    public void ReferenceCountOfAContentShowsOnEveryCachedEntryHoldingIt()
    {
        var cache = new EntryCache(100, long.MaxValue, 1024);
        var shared = Entry("a", "same");
        cache.SetCommitted("a", shared);
        cache.SetRefs(shared.Sha256, 1);
        Assert.True(cache.TryGet("a", out var alone));
        Assert.Equal(1, alone!.Refs);

        // A commit through another key with the same bytes shows on the entry cached before it.
        cache.SetCommitted("b", Entry("b", "same"));
        cache.SetRefs(shared.Sha256, 2);
        Assert.True(cache.TryGet("a", out var a));
        Assert.True(cache.TryGet("b", out var b));
        Assert.Equal(2, a!.Refs);
        Assert.Equal(2, b!.Refs);

        // Both holders deleted: the commit reports the content gone; a new holder starts from its own count.
        cache.SetCommitted("a", null);
        cache.SetCommitted("b", null);
        cache.SetRefs(shared.Sha256, 0);
        cache.SetCommitted("c", Entry("c", "same") with { Refs = 5 });
        Assert.True(cache.TryGet("c", out var c));
        Assert.Equal(5, c!.Refs);

        // Back to one holder: the count follows down too.
        cache.SetRefs(shared.Sha256, 1);
        Assert.True(cache.TryGet("c", out c));
        Assert.Equal(1, c!.Refs);
    }

    [Fact]
    public void LoadedEntryKeepsItsCountUnlessACountReportOvertookTheLoad()
    {
        var cache = new EntryCache(100, long.MaxValue, 1024);
        var token = cache.BeginLoad("k");
        Assert.True(cache.CompleteLoad("k", token, Entry("k", "v") with { Refs = 3 }));
        Assert.True(cache.TryGet("k", out var loaded));
        Assert.Equal(3, loaded!.Refs);

        // A commit reported counts while the load was in flight: the loaded count may be stale, so the entry is
        // current (the key was not committed) but not cached.
        var overtaken = cache.BeginLoad("m");
        cache.SetRefs(ContentHash.Compute("other"u8), 1);
        Assert.True(cache.CompleteLoad("m", overtaken, Entry("m", "w") with { Refs = 2 }));
        Assert.False(cache.TryGet("m", out _));

        // Unless the content's count is the one the cache keeps: then it is known, and the load is cached with it.
        var known = cache.BeginLoad("n");
        cache.SetRefs(ContentHash.Compute("other"u8), 1);
        Assert.True(cache.CompleteLoad("n", known, Entry("n", "v") with { Refs = 9 }));
        Assert.True(cache.TryGet("n", out var n));
        Assert.Equal(3, n!.Refs);

        // A known-absent key has no count to be stale.
        var absent = cache.BeginLoad("x");
        cache.SetRefs(ContentHash.Compute("other"u8), 1);
        Assert.True(cache.CompleteLoad("x", absent, null));
        Assert.True(cache.TryGet("x", out var none));
        Assert.Null(none);
    }

    [Fact]
    public void CountsOfContentsNoCachedEntryHoldsAreDroppedWhenTheyOutgrowTheCache()
    {
        var cache = new EntryCache(10, long.MaxValue, 1024);
        var held = Entry("held", "kept");
        cache.SetCommitted("held", held);
        cache.SetRefs(held.Sha256, 7);
        for (var i = 0; i < 10_000; i++)
        {
            cache.SetRefs(ContentHash.Compute(BitConverter.GetBytes(i)), 2);
        }

        Assert.True(cache.TryGet("held", out var entry));
        Assert.Equal(7, entry!.Refs);
        Assert.InRange(cache.SharedCounts, 1, 64 + (2 * cache.Count) + 1);
    }

    /// <summary>The slot array, its hash chains, free list and LRU links against a plain model of an LRU, over random
    /// commits, deletes, reads, loads and evictions on a small key space (so chains collide and slots are reused).</summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 7)]
    [InlineData(40, 8)]
    [InlineData(17, 300)]
    public void BehavesAsAnLruOfCommittedState(int seed, int maxEntries)
    {
        var random = new Random(seed);
        var cache = new EntryCache(maxEntries, long.MaxValue, 1024);
        var model = new LinkedList<(string Key, string? Value)>();
        var loads = new Dictionary<string, object>();
        for (var step = 0; step < 20_000; step++)
        {
            var key = "k" + random.Next(Math.Max(4, maxEntries * 2));
            switch (random.Next(6))
            {
                case 0 or 1:
                    var value = random.Next(3) == 0 ? null : "v" + step;
                    cache.SetCommitted(key, value is null ? null : Entry(key, value));
                    loads.Remove(key);
                    Put(model, maxEntries, key, value);
                    break;
                case 2:
                    loads[key] = cache.BeginLoad(key);
                    Remove(model, key);
                    Put(model, maxEntries, key + "#loading", null);
                    break;
                case 3 when loads.Remove(key, out var token):
                    var completed = cache.CompleteLoad(key, token, Entry(key, "loaded" + step));
                    var pending = Find(model, key + "#loading");
                    Assert.Equal(pending is not null, completed);
                    if (pending is not null)
                    {
                        model.Remove(pending);
                        Put(model, maxEntries, key, "loaded" + step);
                    }

                    break;
                default:
                    var hit = cache.TryGet(key, out var entry);
                    var node = Find(model, key);
                    Assert.Equal(node is not null, hit);
                    if (node is not null)
                    {
                        Assert.Equal(node.Value.Value, entry is null ? null : System.Text.Encoding.UTF8.GetString(entry.Value));
                        model.Remove(node);
                        model.AddFirst(node);
                    }

                    break;
            }

            Assert.Equal(model.Count, cache.Count);
        }
    }

    private static void Put(LinkedList<(string Key, string? Value)> model, int maxEntries, string key, string? value)
    {
        Remove(model, key);
        Remove(model, key + "#loading");
        if (model.Count >= maxEntries)
        {
            model.RemoveLast();
        }

        model.AddFirst((key, value));
    }

    private static void Remove(LinkedList<(string Key, string? Value)> model, string key)
    {
        if (Find(model, key) is { } node)
        {
            model.Remove(node);
        }
    }

    private static LinkedListNode<(string Key, string? Value)>? Find(LinkedList<(string Key, string? Value)> model, string key)
    {
        for (var node = model.First; node is not null; node = node.Next)
        {
            if (node.Value.Key == key)
            {
                return node;
            }
        }

        return null;
    }

    [Fact]
    public void ValuesAboveTheCacheableSizeAreNotKept()
    {
        var cache = new EntryCache(100, long.MaxValue, maxValueBytes: 4);
        cache.SetCommitted("k", Entry("k", "too long"));
        Assert.False(cache.TryGet("k", out _));
        Assert.Equal(0, cache.Count);
    }

    private static StoredEntry Entry(string key, string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        return new StoredEntry(key, bytes, null, ContentHash.Compute(bytes), 1, 0, 0, null);
    }
}
