using System.Security.Cryptography;
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
        cache.SetCommitted("b", Entry("b", "same"));
        cache.SetRefs(ContentHash.Of(shared.Sha256), 2);
        Assert.True(cache.TryGet("a", out var a));
        Assert.True(cache.TryGet("b", out var b));
        Assert.Equal(2, a!.Refs);
        Assert.Equal(2, b!.Refs);

        // Once no cached entry holds the content its count is forgotten; a new holder starts from its own.
        cache.SetCommitted("a", null);
        cache.SetCommitted("b", null);
        cache.SetCommitted("c", Entry("c", "same") with { Refs = 5 });
        Assert.True(cache.TryGet("c", out var c));
        Assert.Equal(5, c!.Refs);
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
        return new StoredEntry(key, bytes, null, SHA256.HashData(bytes), 1, 0, 0, null);
    }
}
