using OrleansKv.Grains.Storage;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Storage.Redis;

/// <summary>Redis-only: native expiry as the TTL backstop, and what happens when Redis gets there first.</summary>
public sealed partial class RedisNamespaceStoreTests
{
    [Fact]
    public async Task PutWithTtlSetsNativeExpiryAfterTheGraceAndAPutWithoutTtlClearsIt()
    {
        var session = await Open();
        var entryKey = Redis.KeysOf(session.Ns).Entry("k"u8);
        var grace = new OrleansKv.Grains.Storage.Redis.RedisStoreOptions().TtlBackstopGrace;
        var expiresAt = NowMs + Hour;

        await session.Put("k", "v", expiresAt);
        var ttl = await Admin.KeyTimeToLiveAsync(entryKey);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value.TotalMilliseconds, expiresAt + grace.TotalMilliseconds - NowMs - 10_000, expiresAt + grace.TotalMilliseconds - NowMs + 1_000);

        await session.Put("k", "v2");
        Assert.Null(await Admin.KeyTimeToLiveAsync(entryKey));
        Assert.Null(await NextExpiry(session.Ns));

        // Written already expired (as a late write might be): Redis keeps it for the grace from now, not from 1970.
        await session.Put("k", "v3", expiresAt: 10);
        ttl = await Admin.KeyTimeToLiveAsync(entryKey);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value.TotalMilliseconds, grace.TotalMilliseconds - 10_000, grace.TotalMilliseconds);
        Assert.Equal("v3", Text(await Read(session.Ns, "k")));

        await session.Commit(EntryMutation.Delete("k"));
        Assert.False(await Admin.KeyExistsAsync(entryKey));
    }

    [Fact]
    public async Task EntryThatRedisExpiredNativelyIsSkippedByReadsAndListingAndCleanedBySweepDelete()
    {
        await using var store = NewStore(redis.Server.ConnectionString, o => o.TtlBackstopGrace = TimeSpan.Zero);
        var session = await OpenOn(store);
        var ns = session.Ns;
        var past = NowMs - 60_000;
        var later = NowMs + Hour;
        await session.Commit(
            EntryMutation.Put(Entry("a-gone", "value-of-gone", session.NextRevision, expiresAt: past)),
            EntryMutation.Put(Entry("b-later", "v", session.NextRevision, expiresAt: later)),
            EntryMutation.Put(Entry("c-live", "v", session.NextRevision)));
        Assert.True(await TestSilo.EventuallyAsync(async () => !await ExistsAsync(ns, "a-gone")), "Redis should expire the entry hash natively");

        Assert.Null(await store.ReadAsync(ns, "a-gone", default));
        // nowUnixMs 0 lists expired-but-unswept entries; one whose hash Redis dropped cannot be listed any more,
        // and it does not count towards the limit.
        Assert.Equal(["b-later", "c-live"], (await store.ListPageAsync(ns, "", null, 10, 0, default)).Select(e => e.Key));
        Assert.Equal(["b-later"], (await store.ListPageAsync(ns, "", null, 1, 0, default)).Select(e => e.Key));
        Assert.Equal([new ExpiredEntry("a-gone", 0, past)], await store.ReadExpiredAsync(ns, NowMs, 10, default));
        Assert.Equal(past, await store.NextExpiryAsync(ns, default));
        Assert.Equal(3, await MetaAsync(ns, "keys"));

        await session.Commit(EntryMutation.Delete("a-gone"));

        Assert.Null(await Admin.SortedSetScoreAsync(store.KeysOf(ns).Index, "a-gone"));
        Assert.Null(await Admin.SortedSetScoreAsync(store.KeysOf(ns).Ttl, "a-gone"));
        Assert.Equal(later, await store.NextExpiryAsync(ns, default));
        Assert.Empty(await store.ReadExpiredAsync(ns, NowMs, 10, default));
        var snapshot = await store.ClaimAsync(ns, default);
        Assert.Equal(2, snapshot.KeyCount);
        // Documented limitation: the vanished value's bytes cannot be known, so they stay counted; its key bytes do not.
        Assert.Equal("b-laterv".Length + "c-livev".Length + "value-of-gone".Length, snapshot.TotalBytes);
        // Its content's reference was dropped all the same: only "v" (held by the two others) is still stored.
        Assert.Equal((1L, 1L), (snapshot.Objects, snapshot.StoredBytes));
        var contents = await ScanAsync(Admin, $"{_prefix}{{{ns}}}:o:*");
        Assert.Equal([Decode(((byte[]?)store.KeysOf(ns).Object(System.Security.Cryptography.SHA256.HashData(Bytes("v"))))!)], contents.Select(Decode));
    }

    [Fact]
    public async Task PutOverAKeyThatRedisExpiredNativelyCountsTheKeyOnce()
    {
        await using var store = NewStore(redis.Server.ConnectionString, o => o.TtlBackstopGrace = TimeSpan.Zero);
        var session = await OpenOn(store);
        await session.Put("k", "old", expiresAt: NowMs - 1_000);
        Assert.True(await TestSilo.EventuallyAsync(async () => !await ExistsAsync(session.Ns, "k")), "Redis should expire the entry hash natively");

        await session.Put("k", "new");

        Assert.Equal("new", Text(await store.ReadAsync(session.Ns, "k", default)));
        Assert.Equal(["k"], (await store.ListPageAsync(session.Ns, "", null, 10, 0, default)).Select(e => e.Key));
        Assert.Null(await store.NextExpiryAsync(session.Ns, default));
        Assert.Null(await Admin.KeyTimeToLiveAsync(store.KeysOf(session.Ns).Entry("k"u8)));
        var snapshot = await store.ClaimAsync(session.Ns, default);
        Assert.Equal(1, snapshot.KeyCount);
        Assert.Equal("kold".Length + "new".Length, snapshot.TotalBytes);
    }

    [Fact]
    public async Task AnEntryWrittenBeforeContentsWereDeduplicatedStillReadsAndIsReplacedCleanly()
    {
        var session = await Open();
        var keys = Redis.KeysOf(session.Ns);
        var sha = System.Security.Cryptography.SHA256.HashData(Bytes("legacy"));
        // The entry hash as the previous layout wrote it: the value in the entry itself, no content object.
        await Admin.HashSetAsync(keys.Entry("old"u8), [new("value", Bytes("legacy")), new("sha256", sha), new("version", 1), new("created", 5), new("updated", 5), new("size", 6)]);
        await Admin.SortedSetAddAsync(keys.Index, "old", 0);
        await Admin.HashSetAsync(keys.Meta, [new("keys", 1), new("bytes", 9)]);

        var read = await Read(session.Ns, "old");
        Assert.Equal("legacy", Text(read));
        Assert.Equal(1, read!.Refs);

        await session.Put("old", "legacy");
        Assert.Equal("legacy", Text(await Read(session.Ns, "old")));
        Assert.False(await Admin.HashExistsAsync(keys.Entry("old"u8), "value"));
        await session.Commit(EntryMutation.Delete("old"));
        Assert.Empty(await ScanAsync(Admin, $"{_prefix}{{{session.Ns}}}:o:*"));
    }
}
