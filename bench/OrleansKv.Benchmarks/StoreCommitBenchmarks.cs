using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Sqlite;

namespace OrleansKv.Benchmarks;

/// <summary>
/// The embedded store's commit path: one CommitAsync (a fenced group of upserts) through the writer thread, in
/// its own transaction, relaxed durability (no fsync, so the SQL work shows rather than the disk), temp dir;
/// distinct keys, or one key written by every mutation.
/// </summary>
#pragma warning disable CA1001 // BenchmarkDotNet disposes through [GlobalCleanup]
public class StoreCommitBenchmarks
#pragma warning restore CA1001
{
    private SqliteNamespaceStore _store = null!;
    private string _directory = null!;
    private StoredEntry[] _entries = null!;
    private long _epoch;
    private long _revision;

    [Params(1, 64)]
    public int Mutations { get; set; }

    /// <summary>Every mutation writes the same key (a hot key, or h2load's single-key Set), else distinct keys.</summary>
    [Params(false, true)]
    public bool SameKey { get; set; }

    /// <remarks>Synchronous on purpose: every field is set before BenchmarkDotNet's first workload call.</remarks>
    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("orleanskv-bdn-store-").FullName;
        _store = new SqliteNamespaceStore(new SqliteStoreOptions { DataDirectory = _directory, Durability = SqliteDurability.Relaxed }, NullLogger<SqliteNamespaceStore>.Instance);
        var snapshot = _store.ClaimAsync("bench", CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _epoch = snapshot.Epoch;
        _revision = snapshot.Revision;
        _entries = [.. Enumerable.Range(0, Mutations).Select(i => new StoredEntry(SameKey ? "bench:hot" : $"bench:{i}", new byte[64], "text/plain", default, 1, 1, 1, null))];
        CommitAsync().GetAwaiter().GetResult(); // every later commit updates existing keys, as a steady write load does
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "CommitAsync (updates)")]
    public async Task CommitAsync()
    {
        var next = _revision + 1;
        var mutations = new List<EntryMutation>(_entries.Length);
        foreach (var entry in _entries)
        {
            mutations.Add(EntryMutation.Put(entry with { Version = next }));
        }

        var status = await _store.CommitAsync("bench", new CommitBatch(_epoch, _revision, next, mutations), CancellationToken.None);
        if (status.Status != CommitStatus.Committed)
        {
            throw new InvalidOperationException($"commit at epoch {_epoch}, revision {_revision} -> {next} was {status}");
        }

        _revision = next;
    }
}
