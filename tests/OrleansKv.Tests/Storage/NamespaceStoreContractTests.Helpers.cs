using System.Text;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Tests.Storage;

/// <summary>Helpers of the contract scenarios: fresh namespaces, entries, and a session per activation.</summary>
public abstract partial class NamespaceStoreContractTests
{
    protected static string NewNamespace() => "ns-" + Guid.NewGuid().ToString("N");

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string? Text(StoredEntry? entry) => entry is null ? null : Encoding.UTF8.GetString(entry.Value);

    /// <summary>An entry as the grain would build it: the SHA-256 of the value, the given times.</summary>
    protected static StoredEntry Entry(string key, string value, long version, long createdAt = 1_000, long updatedAt = 1_000, long? expiresAt = null) =>
        new(key, Bytes(value), "text/plain", ContentHash.Compute(Bytes(value)), version, createdAt, updatedAt, expiresAt);

    protected static void AssertSameEntry(StoredEntry expected, StoredEntry? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Key, actual.Key);
        Assert.True(expected.Value.AsSpan().SequenceEqual(actual.Value), "the value bytes differ");
        Assert.Equal(expected.ContentType, actual.ContentType);
        Assert.Equal(expected.Sha256, actual.Sha256);
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
        Assert.Equal(expected.ExpiresAt, actual.ExpiresAt);
    }

    protected Task<NamespaceSnapshot> Claim(string ns) => Store.ClaimAsync(ns, default).AsTask().WaitAsync(CallTimeout);

    /// <summary>Claims <paramref name="ns"/> (a new namespace when null) as a fresh activation would.</summary>
    protected async Task<Session> Open(string? ns = null)
    {
        ns ??= NewNamespace();
        var snapshot = await Claim(ns);
        return new Session(Store, ns, snapshot.Epoch, snapshot.Revision);
    }

    protected Task<StoredEntry?> Read(string ns, string key) => Store.ReadAsync(ns, key, default).AsTask().WaitAsync(CallTimeout);

    protected Task<long?> NextExpiry(string ns) => Store.NextExpiryAsync(ns, default).AsTask().WaitAsync(CallTimeout);

    protected Task<IReadOnlyList<EntrySummary>> List(string ns, string prefix, string? startAfter, int limit, long nowUnixMs = 0) =>
        Store.ListPageAsync(ns, prefix, startAfter, limit, nowUnixMs, default).AsTask().WaitAsync(CallTimeout);

    protected async Task<List<string>> ListKeys(string ns, string prefix) =>
        (await List(ns, prefix, null, 1_000)).Select(e => e.Key).ToList();

    /// <summary>What one activation holds: its epoch and the revision it last committed.</summary>
    protected sealed class Session(INamespaceStore store, string ns, long epoch, long revision)
    {
        public string Ns => ns;

        public long Epoch => epoch;

        public long Revision { get; private set; } = revision;

        /// <summary>Records a commit the test made itself.</summary>
        public void Advance() => Revision++;

        /// <summary>The revision (and so the entry version) the next commit will write.</summary>
        public long NextRevision => Revision + 1;

        public async Task<CommitStatus> TryCommit(params EntryMutation[] mutations)
        {
            var batch = new CommitBatch(epoch, Revision, Revision + 1, mutations);
            var status = (await store.CommitAsync(ns, batch, default).AsTask().WaitAsync(CallTimeout)).Status;
            if (status == CommitStatus.Committed)
            {
                Revision++;
            }

            return status;
        }

        public async Task Commit(params EntryMutation[] mutations) =>
            Assert.Equal(CommitStatus.Committed, await TryCommit(mutations));

        public Task Put(string key, string value, long? expiresAt = null) =>
            Commit(EntryMutation.Put(Entry(key, value, NextRevision, expiresAt: expiresAt)));
    }
}
