using System.Security.Cryptography;
using System.Text;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Tests.Storage;

/// <summary>Content deduplication and compression: each content is stored once per namespace with a reference count.</summary>
public abstract partial class NamespaceStoreContractTests
{
    [Fact]
    public async Task TheSameContentUnderManyKeysIsStoredOnceWithOneReferencePerKey()
    {
        var session = await Open();
        var json = JsonLike(16 * 1024, seed: 1);

        var first = await CommitResultOf(session, EntryMutation.Put(Entry("a", json, session.NextRevision)));
        var more = await CommitResultOf(session, EntryMutation.Put(Entry("b", json, session.NextRevision)), EntryMutation.Put(Entry("c", json, session.NextRevision)));

        Assert.Equal((1L, 0L), (first.Objects, first.DedupHits));
        Assert.Equal((1L, 2L), (more.Objects, more.DedupHits));
        Assert.Equal(first.StoredBytes, more.StoredBytes);
        Assert.Equal(3, Assert.Single(more.ContentRefs).Value);
        Assert.Equal(3 * (1 + json.Length), more.TotalBytes);
        foreach (var key in new[] { "a", "b", "c" })
        {
            var entry = await Read(session.Ns, key);
            Assert.Equal(json, Text(entry));
            Assert.Equal(3, entry!.Refs);
        }
    }

    [Fact]
    public async Task OverwritesAndDeletesDropReferencesAndTheLastRemovesTheContent()
    {
        var session = await Open();
        await session.Commit(EntryMutation.Put(Entry("a", "shared", session.NextRevision)), EntryMutation.Put(Entry("b", "shared", session.NextRevision)));

        var overwrite = await CommitResultOf(session, EntryMutation.Put(Entry("a", "own", session.NextRevision)));
        Assert.Equal(2, overwrite.Objects);
        Assert.Contains(overwrite.ContentRefs, r => r.Key == Hash("shared") && r.Value == 1);
        Assert.Equal(1, (await Read(session.Ns, "b"))!.Refs);

        var delete = await CommitResultOf(session, EntryMutation.Delete("b"));
        Assert.Equal(1, delete.Objects);
        Assert.Equal(0, Assert.Single(delete.ContentRefs).Value);
        Assert.Equal("own".Length, delete.StoredBytes);

        var last = await CommitResultOf(session, EntryMutation.Delete("a"));
        Assert.Equal((0L, 0L, 0L, 0L), (last.KeyCount, last.TotalBytes, last.Objects, last.StoredBytes));
    }

    [Fact]
    public async Task RewritingTheSameContentKeepsOneReference()
    {
        var session = await Open();
        await session.Put("k", "same");

        var again = await CommitResultOf(session, EntryMutation.Put(Entry("k", "same", session.NextRevision)));

        Assert.Equal(1, again.Objects);
        Assert.Equal(1, (await Read(session.Ns, "k"))!.Refs);
    }

    [Fact]
    public async Task ContentIsSharedWithinANamespaceOnly()
    {
        var one = await Open();
        var two = await Open();
        await one.Put("k", "same");

        var other = await CommitResultOf(two, EntryMutation.Put(Entry("k", "same", two.NextRevision)));

        Assert.Equal((1L, 0L), (other.Objects, other.DedupHits));
        Assert.Equal(1, (await Read(one.Ns, "k"))!.Refs);
        await one.Commit(EntryMutation.Delete("k"));
        Assert.Equal("same", Text(await Read(two.Ns, "k")));
    }

    [Fact]
    public async Task CompressibleValuesAreStoredSmallerAndIncompressibleOnesRaw()
    {
        var session = await Open();
        var json = JsonLike(64 * 1024, seed: 2);
        var random = Convert.ToHexString(RandomNumberGenerator.GetBytes(32 * 1024));
        var noise = new StoredEntry("noise", RandomNumberGenerator.GetBytes(64 * 1024), null, default, session.NextRevision, 1, 1, null);
        noise = noise with { Sha256 = ContentHash.Compute(noise.Value) };

        var compressed = await CommitResultOf(session, EntryMutation.Put(Entry("json", json, session.NextRevision)));
        var raw = await CommitResultOf(session, EntryMutation.Put(noise));

        Assert.True(compressed.StoredBytes < json.Length / 2, $"{json.Length} bytes of JSON took {compressed.StoredBytes}");
        Assert.Equal(compressed.StoredBytes + noise.Value.Length, raw.StoredBytes);
        Assert.Equal(json, Text(await Read(session.Ns, "json")));
        var readNoise = (await Read(session.Ns, "noise"))!.Value;
        Assert.True(noise.Value.AsSpan().SequenceEqual(readNoise));
        Assert.NotEmpty(random);
    }

    /// <summary>JSON-like text of about <paramref name="length"/> characters: repetitive, as configs and API answers are.</summary>
    protected static string JsonLike(int length, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("[");
        while (text.Length < length)
        {
            text.Append("{\"id\":").Append(random.Next(100_000)).Append(",\"name\":\"item-").Append(random.Next(1000))
                .Append("\",\"enabled\":").Append(random.Next(2) == 0 ? "true" : "false").Append(",\"tags\":[\"a\",\"b\"]},");
        }

        return text.Append("{}]").ToString();
    }

    private static ContentHash Hash(string value) => ContentHash.Of(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private async Task<CommitResult> CommitResultOf(Session session, params EntryMutation[] mutations)
    {
        var result = await Store.CommitAsync(session.Ns, new CommitBatch(session.Epoch, session.Revision, session.NextRevision, mutations), default).AsTask().WaitAsync(CallTimeout);
        Assert.Equal(CommitStatus.Committed, result.Status);
        session.Advance();
        return result;
    }
}
