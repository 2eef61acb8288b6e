using OrleansKv.Grains;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Tests.Limits;

/// <summary>How writes change a namespace's usage, as the store counts it (UTF-8 key bytes plus value bytes).</summary>
public sealed class UsageDeltaTests
{
    private static StoredEntry Entry(string key, int size) => new(key, new byte[size], null, default, 1, 0, 0, null);

    [Fact]
    public void ACreateAddsAKeyAndItsKeyAndValueBytes() =>
        Assert.Equal(new UsageDelta(1, 4 + 10), UsageDelta.Of(null, Entry("kéy", 10)));

    [Fact]
    public void AnUpdateChangesOnlyTheValueBytes() =>
        Assert.Equal(new UsageDelta(0, -6), UsageDelta.Of(Entry("k", 10), Entry("k", 4)));

    [Fact]
    public void ADeleteRemovesTheKeyAndAllItsBytes() =>
        Assert.Equal(new UsageDelta(-1, -11), UsageDelta.Of(Entry("k", 10), null));

    [Fact]
    public void ABatchCountsOnlyTheLastMutationOfEachKeyAgainstItsEntryBefore()
    {
        var before = new Dictionary<string, StoredEntry?> { ["a"] = Entry("a", 5), ["b"] = null, ["c"] = Entry("c", 1) };
        List<EntryMutation> mutations =
        [
            EntryMutation.Put(Entry("a", 100)),
            EntryMutation.Put(Entry("b", 7)),
            EntryMutation.Delete("a"),
            EntryMutation.Put(Entry("c", 3)),
        ];

        // a: deleted (-1 key, -6 bytes); b: created (+1, +8); c: grown (+2).
        Assert.Equal(new UsageDelta(0, 4), UsageDelta.Of(mutations, before));
    }
}
