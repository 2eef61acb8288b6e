using OrleansKv.Grains.Storage;

namespace OrleansKv.Tests.Storage;

/// <summary>Contract scenarios: byte-order listing, expiry queries and namespace isolation.</summary>
public abstract partial class NamespaceStoreContractTests
{
    // ---- listing -----------------------------------------------------------------------------------

    [Fact]
    public async Task ListingIsInUtf8ByteOrder()
    {
        string[] byteOrder = ["a", "ab", "b", "é", "\uE000", "\uFF21", "😀"];
        // UTF-16 ordinal order differs (the emoji's surrogates sort before U+E000), so this test means something.
        Assert.NotEqual(byteOrder, byteOrder.Order(StringComparer.Ordinal));
        var session = await Open();
        await session.Commit(byteOrder.Reverse().Select(k => EntryMutation.Put(Entry(k, "v", session.NextRevision))).ToArray());

        var listed = await List(session.Ns, "", null, 100);

        Assert.Equal(byteOrder, listed.Select(e => e.Key));
    }

    [Fact]
    public async Task ListingByPrefixReturnsOnlyKeysStartingWithIt()
    {
        var session = await Open();
        string[] keys = ["ap", "app", "app/1", "app/2", "apple", "apq", "b", "é1", "é2", "ê", "😀1", "😁"];
        await session.Commit(keys.Select(k => EntryMutation.Put(Entry(k, "v", session.NextRevision))).ToArray());

        Assert.Equal(["app/1", "app/2"], await ListKeys(session.Ns, "app/"));
        Assert.Equal(["app", "app/1", "app/2", "apple"], await ListKeys(session.Ns, "app"));
        Assert.Equal(["é1", "é2"], await ListKeys(session.Ns, "é"));
        Assert.Equal(["😀1"], await ListKeys(session.Ns, "😀"));
        Assert.Empty(await ListKeys(session.Ns, "z"));
        Assert.Equal(keys.Length, (await ListKeys(session.Ns, "")).Count);
    }

    [Fact]
    public async Task ListingPagesWithStartAfterAndLimit()
    {
        var session = await Open();
        var keys = Enumerable.Range(0, 10).Select(i => $"k{i:00}").ToArray();
        await session.Commit(keys.Select(k => EntryMutation.Put(Entry(k, "v", session.NextRevision))).ToArray());
        await session.Put("other", "v");

        var collected = new List<string>();
        string? cursor = null;
        var pages = 0;
        while (true)
        {
            var page = await List(session.Ns, "k", cursor, 3);
            if (page.Count == 0)
            {
                break;
            }

            Assert.True(page.Count <= 3);
            collected.AddRange(page.Select(e => e.Key));
            cursor = page[^1].Key;
            pages++;
        }

        Assert.Equal(keys, collected);
        Assert.Equal(4, pages);
        Assert.Equal(["k05", "k06"], (await List(session.Ns, "k", "k04x", 2)).Select(e => e.Key));
        Assert.Equal(["k00"], (await List(session.Ns, "k", "a", 1)).Select(e => e.Key));
        Assert.Empty(await List(session.Ns, "k", "l", 10));
        Assert.Equal(["other"], (await List(session.Ns, "", "k09", 10)).Select(e => e.Key));
    }

    [Fact]
    public async Task ListingSkipsExpiredEntriesAndCountsOnlyLiveOnesTowardsTheLimit()
    {
        const long Now = 1_000_000;
        var session = await Open();
        await session.Put("a-expired-before", "v", expiresAt: Now - 1);
        await session.Put("b-expired-now", "v", expiresAt: Now);
        await session.Put("c-live-ttl", "v", expiresAt: Now + 1);
        await session.Put("d-expired", "v", expiresAt: 5);
        await session.Put("e-no-ttl", "v");

        Assert.Equal(["c-live-ttl", "e-no-ttl"], (await List(session.Ns, "", null, 10, Now)).Select(e => e.Key));
        Assert.Equal(["c-live-ttl"], (await List(session.Ns, "", null, 1, Now)).Select(e => e.Key));
        Assert.Equal(["e-no-ttl"], (await List(session.Ns, "", "c-live-ttl", 1, Now)).Select(e => e.Key));
        Assert.Equal(5, (await List(session.Ns, "", null, 10, nowUnixMs: 0)).Count);
    }

    [Fact]
    public async Task ListingSummaryCarriesSizeVersionAndExpiry()
    {
        var session = await Open();
        await session.Put("ttl", "12345", expiresAt: 77_000);
        await session.Put("plain", "");

        var listed = await List(session.Ns, "", null, 10);

        Assert.Equal([new EntrySummary("plain", 0, 2, null), new EntrySummary("ttl", 5, 1, 77_000)], listed);
    }

    // ---- expiry ------------------------------------------------------------------------------------

    [Fact]
    public async Task ReadExpiredReturnsEarliestFirstUpToTheLimit()
    {
        var session = await Open();
        await session.Put("e500", "v", expiresAt: 500);
        await session.Put("e100", "v", expiresAt: 100);
        await session.Put("e300", "v", expiresAt: 300);
        await session.Put("e600", "v", expiresAt: 600);
        await session.Put("e900", "v", expiresAt: 900);
        await session.Put("none", "v");

        var expired = await Store.ReadExpiredAsync(session.Ns, 600, 10, default).AsTask().WaitAsync(CallTimeout);
        var firstTwo = await Store.ReadExpiredAsync(session.Ns, 600, 2, default).AsTask().WaitAsync(CallTimeout);

        Assert.Equal(
            [new ExpiredEntry("e100", 2, 100), new ExpiredEntry("e300", 3, 300), new ExpiredEntry("e500", 1, 500), new ExpiredEntry("e600", 4, 600)],
            expired);
        Assert.Equal(expired.Take(2), firstTwo);
        Assert.Empty(await Store.ReadExpiredAsync(session.Ns, 99, 10, default).AsTask().WaitAsync(CallTimeout));
    }

    [Fact]
    public async Task NextExpiryFollowsWritesAndSweeps()
    {
        var session = await Open();
        Assert.Null(await NextExpiry(session.Ns));
        Assert.Null(await NextExpiry(NewNamespace()));

        await session.Put("none", "v");
        Assert.Null(await NextExpiry(session.Ns));

        await session.Put("e300", "v", expiresAt: 300);
        await session.Put("e100", "v", expiresAt: 100);
        await session.Put("e500", "v", expiresAt: 500);
        Assert.Equal(100, await NextExpiry(session.Ns));

        foreach (var swept in await Store.ReadExpiredAsync(session.Ns, 100, 10, default))
        {
            await session.Commit(EntryMutation.Delete(swept.Key));
        }

        Assert.Equal(300, await NextExpiry(session.Ns));

        await session.Put("e300", "kept without ttl");
        Assert.Equal(500, await NextExpiry(session.Ns));

        await session.Commit(EntryMutation.Delete("e500"));
        Assert.Null(await NextExpiry(session.Ns));
    }

    // ---- isolation ---------------------------------------------------------------------------------

    [Fact]
    public async Task SameKeyInTwoNamespacesIsIndependent()
    {
        var a = await Open();
        var b = await Open();

        await a.Put("shared", "from-a");
        await b.Put("shared", "from-b");
        await b.Commit(EntryMutation.Delete("shared"));

        Assert.Equal("from-a", Text(await Read(a.Ns, "shared")));
        Assert.Null(await Read(b.Ns, "shared"));
        Assert.Equal(1, (await Claim(a.Ns)).KeyCount);
        Assert.Equal(0, (await Claim(b.Ns)).KeyCount);
    }

    [Fact]
    public async Task NamespaceWhoseNameIsAPrefixOfAnotherSeesOnlyItsOwnKeys()
    {
        var shortNs = NewNamespace();
        var a = await Open(shortNs);
        var ab = await Open(shortNs + "b");
        await a.Put("k1", "a", expiresAt: 200);
        await ab.Put("k0", "ab", expiresAt: 100);
        await ab.Put("k2", "ab");

        Assert.Equal(["k1"], await ListKeys(a.Ns, ""));
        Assert.Equal(["k1"], await ListKeys(a.Ns, "k"));
        Assert.Equal(["k0", "k2"], await ListKeys(ab.Ns, ""));
        Assert.Equal(200, await NextExpiry(a.Ns));
        Assert.Equal(["k1"], (await Store.ReadExpiredAsync(a.Ns, 1_000, 10, default)).Select(e => e.Key));
        Assert.Equal(1, (await Claim(a.Ns)).KeyCount);
    }

    [Fact]
    public async Task NamespaceAndKeyDoNotCombineIntoAnotherNamespacesKey()
    {
        var baseNs = NewNamespace();
        var outer = await Open(baseNs);
        var inner = await Open(baseNs + ":x");
        await outer.Put("x:y", "outer");
        await inner.Put("y", "inner");

        Assert.Equal("outer", Text(await Read(baseNs, "x:y")));
        Assert.Equal("inner", Text(await Read(baseNs + ":x", "y")));
        Assert.Null(await Read(baseNs + ":x", "x:y"));
        Assert.Equal(["x:y"], await ListKeys(baseNs, ""));
        Assert.Equal(["y"], await ListKeys(baseNs + ":x", ""));
    }
}
