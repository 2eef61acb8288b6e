using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Client;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Sqlite;

namespace OrleansKv.Tests.GrpcApi;

/// <summary>The client's channel: the client factory registration, and retries of UNAVAILABLE on reads only.</summary>
[Collection(KvServerCollection.Name)]
public sealed class KvClientChannelTests(KvServerFixture fixture)
{
    [Fact]
    public async Task AddOrleansKvClientResolvesAWorkingClient()
    {
        var services = new ServiceCollection();
        services.AddOrleansKvClient(o =>
        {
            o.Address = fixture.Host.GrpcAddress;
            o.Token = fixture.Token;
            o.DefaultTimeout = TimeSpan.FromSeconds(30);
        });
        await using var provider = services.BuildServiceProvider();
        var key = "di/" + Guid.NewGuid().ToString("N");

        var client = provider.GetRequiredService<KvClient>();
        await client.SetAsync(key, "from the factory");

        Assert.Equal("from the factory", (await provider.GetRequiredService<KvClient>().GetAsync(key)).ValueAsString());
    }

    [Fact]
    public async Task AnUnavailableReadIsRetriedAndAnUnavailableWriteIsNot()
    {
        var token = "boot-" + Guid.NewGuid().ToString("N");
        Flaky? store = null;
        await using var host = await KvServerHost.StartAsync(
            new Dictionary<string, string?> { ["TOKEN"] = token },
            services => services.AddSingleton<INamespaceStore>(sp => store = new Flaky(sp.GetRequiredService<SqliteNamespaceStore>())));
        await using var client = host.CreateClient(token);
        await client.SetAsync("warm", "up");

        store!.FailReads = 1;
        var read = await client.TryGetAsync("absent");
        store.FailCommits = 1;
        var commitsBefore = store.Commits;
        await Assert.ThrowsAsync<KvUnavailableException>(() => client.SetAsync("written", "once"));

        Assert.Null(read); // the first read failed with UNAVAILABLE, the retry answered NOT_FOUND
        Assert.Equal(0, store.FailReads);
        Assert.Equal(1, store.Commits - commitsBefore); // no second attempt
    }

    /// <summary>The embedded store, failing as many reads and commits as it is told to.</summary>
    private sealed class Flaky(SqliteNamespaceStore inner) : INamespaceStore
    {
        private int _failReads;
        private int _failCommits;
        private int _commits;

        public int FailReads { get => Volatile.Read(ref _failReads); set => Volatile.Write(ref _failReads, value); }

        public int FailCommits { get => Volatile.Read(ref _failCommits); set => Volatile.Write(ref _failCommits, value); }

        public int Commits => Volatile.Read(ref _commits);

        public ValueTask<NamespaceSnapshot> ClaimAsync(string ns, CancellationToken cancellationToken) => inner.ClaimAsync(ns, cancellationToken);

        public ValueTask<StoredEntry?> ReadAsync(string ns, string key, CancellationToken cancellationToken) =>
            Take(ref _failReads) ? throw new NamespaceStoreException("injected read failure") : inner.ReadAsync(ns, key, cancellationToken);

        public ValueTask<bool> IsCurrentEpochAsync(string ns, long epoch, CancellationToken cancellationToken) => inner.IsCurrentEpochAsync(ns, epoch, cancellationToken);

        public ValueTask ReleaseAsync(string ns, long epoch, CancellationToken cancellationToken) => inner.ReleaseAsync(ns, epoch, cancellationToken);

        public ValueTask<CommitResult> CommitAsync(string ns, CommitBatch batch, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _commits);
            return Take(ref _failCommits) ? throw new NamespaceStoreException("injected commit failure") : inner.CommitAsync(ns, batch, cancellationToken);
        }

        public ValueTask<IReadOnlyList<EntrySummary>> ListPageAsync(string ns, string prefix, string? startAfter, int limit, long nowUnixMs, CancellationToken cancellationToken) =>
            inner.ListPageAsync(ns, prefix, startAfter, limit, nowUnixMs, cancellationToken);

        public ValueTask<IReadOnlyList<ExpiredEntry>> ReadExpiredAsync(string ns, long nowUnixMs, int limit, CancellationToken cancellationToken) =>
            inner.ReadExpiredAsync(ns, nowUnixMs, limit, cancellationToken);

        public ValueTask<long?> NextExpiryAsync(string ns, CancellationToken cancellationToken) => inner.NextExpiryAsync(ns, cancellationToken);

        public ValueTask<bool> PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

        private static bool Take(ref int budget)
        {
            int current;
            do
            {
                current = Volatile.Read(ref budget);
                if (current <= 0)
                {
                    return false;
                }
            }
            while (Interlocked.CompareExchange(ref budget, current - 1, current) != current);
            return true;
        }
    }
}
