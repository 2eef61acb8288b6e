using System.Security.Cryptography;
using System.Text;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Tests.Storage.Redis;

/// <summary>Redis-only: where the store puts a namespace, hash slots, and keys that look like key syntax.</summary>
public sealed partial class RedisNamespaceStoreTests
{
    private static readonly string[] AwkwardKeys =
        ["plain", "{other}", "}", "{", "{}", "a}b{c}", "x:y", ":meta", ":idx", "e:x", "line\nbreak", "cr\r\nlf", "tab\tand space", " ", "\0nul", "ключ", "鍵", "😀", "é"];

    [Fact]
    public void HashSlotHelperFollowsTheClusterSpecification()
    {
        Assert.Equal(0x31C3, RedisHashSlot.Crc16("123456789"u8));
        Assert.Equal(RedisHashSlot.Of("{user1000}.following"), RedisHashSlot.Of("{user1000}.followers"));
        Assert.Equal(RedisHashSlot.Crc16("foo{}{bar}"u8) & 16383, RedisHashSlot.Of("foo{}{bar}"));
        Assert.Equal(RedisHashSlot.Crc16("{bar"u8) & 16383, RedisHashSlot.Of("foo{{bar}}zap"));
        // Answers of CLUSTER KEYSLOT as the Redis documentation gives them.
        Assert.Equal(11058, RedisHashSlot.Of("somekey"));
        Assert.Equal(2515, RedisHashSlot.Of("foo{hash_tag}"));
        Assert.Equal(2515, RedisHashSlot.Of("{hash_tag}"));
    }

    [Fact]
    public async Task EveryKeyTheStoreWritesForANamespaceIsInTheNamespacesHashSlot()
    {
        var session = await Open();
        await session.Commit(AwkwardKeys.Select((k, i) =>
            EntryMutation.Put(Entry(k, "v", session.NextRevision, expiresAt: i % 2 == 0 ? NowMs + Hour : null))).ToArray());
        await session.Commit(EntryMutation.Delete("plain"));
        var other = await Open();
        await other.Put("plain", "v");

        var written = await ScanAsync(Admin, _prefix + "*");

        var tag = $"{_prefix}{{{session.Ns}}}";
        var mine = written.Where(k => Decode(k).StartsWith(tag, StringComparison.Ordinal)).ToList();
        var expected = new[] { ":meta", ":idx", ":ttl", ":sha", ":o:" + Decode(SHA256.HashData(Bytes("v"))) }
            .Concat(AwkwardKeys.Where(k => k != "plain").Select(k => ":e:" + k)).Select(s => tag + s);
        Assert.Equal(expected.Order(StringComparer.Ordinal), mine.Select(Decode).Order(StringComparer.Ordinal));
        var slot = RedisHashSlot.Of(session.Ns);
        Assert.All(mine, key =>
        {
            Assert.Equal(session.Ns, Encoding.UTF8.GetString(RedisHashSlot.HashTag(key)));
            Assert.Equal(slot, RedisHashSlot.Of(key));
        });
        // Nothing else was written: the other namespace has its meta, index, one entry (no TTL set) and its content.
        Assert.Equal(mine.Count + 4, written.Count);
        Assert.All(written.Except(mine), key => Assert.Equal(RedisHashSlot.Of(other.Ns), RedisHashSlot.Of(key)));
    }

    [Fact]
    public async Task KeysWithBracesColonsNewlinesAndNonAsciiRoundTripListAndDelete()
    {
        var session = await Open();
        await session.Commit(AwkwardKeys.Select(k => EntryMutation.Put(Entry(k, "value of " + k, session.NextRevision))).ToArray());

        foreach (var key in AwkwardKeys)
        {
            Assert.Equal("value of " + key, Text(await Read(session.Ns, key)));
        }

        var byteOrder = AwkwardKeys.OrderBy(Encoding.UTF8.GetBytes, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToArray();
        Assert.Equal(byteOrder, await ListKeys(session.Ns, ""));
        Assert.Equal(["{", "{other}", "{}"], await ListKeys(session.Ns, "{"));
        Assert.Equal([":idx", ":meta"], await ListKeys(session.Ns, ":"));

        await session.Commit(AwkwardKeys.Select(EntryMutation.Delete).ToArray());

        Assert.Empty(await ListKeys(session.Ns, ""));
        Assert.Equal(new NamespaceSnapshot(session.Epoch + 1, 2, 0, 0, PreviousHolderActive: true), await Claim(session.Ns));
        Assert.Empty(await ScanAsync(Admin, $"{_prefix}{{{session.Ns}}}:o:*"));
    }

    [Fact]
    public async Task ANamespaceWrittenBeforeReleasesWereRecordedCountsAsReleased()
    {
        var ns = NewNamespace();
        var meta = Redis.KeysOf(ns).Meta;
        await Admin.HashSetAsync(meta, [new("epoch", 3), new("revision", 5), new("keys", 0), new("bytes", 0)]);

        var claim = await Claim(ns);

        Assert.Equal(new NamespaceSnapshot(4, 5, 0, 0, PreviousHolderActive: false), claim);
        Assert.True((await Claim(ns)).PreviousHolderActive);
    }

    [Fact]
    public async Task StoredLayoutIsTheDocumentedHashesAndSortedSets()
    {
        var session = await Open();
        var expires = NowMs + Hour;
        var sha = SHA256.HashData(Bytes("value"));
        await session.Commit(
            EntryMutation.Put(new StoredEntry("k", Bytes("value"), "text/plain", ContentHash.Of(sha), 1, 10, 20, expires)),
            EntryMutation.Put(new StoredEntry("n", Bytes("12"), null, ContentHash.Compute(Bytes("12")), 1, 30, 30, null)));
        var keys = Redis.KeysOf(session.Ns);
        var tag = $"{_prefix}{{{session.Ns}}}";

        Assert.Equal(tag + ":meta", (string?)keys.Meta);
        Assert.Equal(tag + ":idx", (string?)keys.Index);
        Assert.Equal(tag + ":ttl", (string?)keys.Ttl);
        Assert.Equal(tag + ":e:k", (string?)keys.Entry("k"u8));
        var meta = (await Admin.HashGetAllAsync(keys.Meta)).ToDictionary(e => (string)e.Name!, e => (long)e.Value);
        Assert.Equal(
            new Dictionary<string, long> { ["epoch"] = session.Epoch, ["revision"] = 1, ["keys"] = 2, ["bytes"] = "kvaluen12".Length, ["released"] = 0, ["objects"] = 2, ["stored"] = "value12".Length },
            meta);
        Assert.Equal([("k", 0d), ("n", 0d)], (await Admin.SortedSetRangeByRankWithScoresAsync(keys.Index)).Select(e => ((string)e.Element!, e.Score)));
        Assert.Equal([("k", (double)expires)], (await Admin.SortedSetRangeByRankWithScoresAsync(keys.Ttl)).Select(e => ((string)e.Element!, e.Score)));
        var entry = (await Admin.HashGetAllAsync(keys.Entry("k"u8))).ToDictionary(e => (string)e.Name!, e => e.Value);
        Assert.Equal(["created", "expires", "sha256", "size", "type", "updated", "version"], entry.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("text/plain", (string?)entry["type"]);
        Assert.Equal(sha, (byte[]?)entry["sha256"]);
        Assert.Equal([1L, 10, 20, expires, 5], new[] { "version", "created", "updated", "expires", "size" }.Select(f => (long)entry[f]));
        var plain = (await Admin.HashGetAllAsync(keys.Entry("n"u8))).Select(e => (string)e.Name!);
        Assert.Equal(["created", "sha256", "size", "updated", "version"], plain.Order(StringComparer.Ordinal));
        var content = (await Admin.HashGetAllAsync(keys.Object(sha))).ToDictionary(e => (string)e.Name!, e => e.Value);
        Assert.Equal(["data", "enc", "refs", "size", "stored"], content.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("value", (string?)content["data"]);
        Assert.Equal([0L, 1, 5, 5], new[] { "enc", "refs", "size", "stored" }.Select(f => (long)content[f]));
        Assert.Equal(sha, (byte[]?)await Admin.HashGetAsync(keys.Hashes, "k"));
        Assert.False(await Admin.HashExistsAsync(keys.Hashes, "n"));
    }

    [Theory]
    [InlineData("a{b")]
    [InlineData("a}b")]
    [InlineData("{ns}")]
    [InlineData("")]
    public async Task NamespaceThatCannotBeAHashTagIsRejected(string ns)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ClaimAsync(ns, default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReadAsync(ns, "k", default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListPageAsync(ns, "", null, 10, 0, default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(ns, new CommitBatch(1, 0, 1, []), default).AsTask());
    }

    [Fact]
    public async Task KeyOrNamespaceThatIsNotValidUtf16IsRejectedBeforeAnythingIsSent()
    {
        var session = await Open();
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ClaimAsync(session.Ns + "\uD800", default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListPageAsync(session.Ns + "\uDC00", "", null, 10, 0, default).AsTask());

        await Assert.ThrowsAsync<ArgumentException>(() => session.TryCommit(EntryMutation.Put(Entry("ok", "v", 1)), EntryMutation.Put(Entry("bad\uD800", "v", 1))));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReadAsync(session.Ns, "bad\uDC00", default).AsTask());

        Assert.Null(await Read(session.Ns, "ok"));
        Assert.Equal(0, (await Claim(session.Ns)).Revision);
    }
}
