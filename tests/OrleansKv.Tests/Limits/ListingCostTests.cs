using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Sqlite;
using OrleansKv.Tests.GrpcApi;
using OrleansKv.Tests.Rest;

namespace OrleansKv.Tests.Limits;

/// <summary>What one listing page costs in store reads: limit + 1 keys by cursor, wherever the page starts.</summary>
public sealed class ListingCostTests
{
    [Fact]
    public async Task ACursorPageReadsLimitPlusOneKeysAndAnOffsetPageAtMostOffsetMore()
    {
        var store = new CountingStore();
        var admin = "admin-" + Guid.NewGuid().ToString("N");
        await using var host = await KvServerHost.StartAsync(
            new Dictionary<string, string?> { ["ADMIN_TOKEN"] = admin },
            services => services.AddSingleton<INamespaceStore>(sp => store.Over(sp.GetRequiredService<SqliteNamespaceStore>())));
        using var client = new HttpClient { BaseAddress = host.HttpAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await host.IssueTokenAsync(admin, "cost-" + Guid.NewGuid().ToString("N")[..8], "read", "write"));
        await KeysApiTests.PutAllAsync(client, Enumerable.Range(0, 3000).Select(i => $"k{i:D5}").ToArray());

        // Page deep into the namespace by cursor.
        var first = await RestAssert.JsonAsync(await client.GetAsync("/v1/keys?limit=1000"), HttpStatusCode.OK);
        var second = await RestAssert.JsonAsync(await client.GetAsync($"/v1/keys?limit=1000&cursor={Uri.EscapeDataString(first.GetProperty("next_cursor").GetString()!)}"), HttpStatusCode.OK);
        var cursor = Uri.EscapeDataString(second.GetProperty("next_cursor").GetString()!);
        store.Rows = 0;
        var deep = await RestAssert.JsonAsync(await client.GetAsync($"/v1/keys?limit=10&cursor={cursor}"), HttpStatusCode.OK);
        var byCursor = store.Rows;

        store.Rows = 0;
        await RestAssert.JsonAsync(await client.GetAsync("/v1/keys?limit=10&offset=1000"), HttpStatusCode.OK);
        var byOffset = store.Rows;

        Assert.Equal("k02000", deep.GetProperty("keys")[0].GetProperty("key").GetString());
        Assert.Equal(JsonValueKind.String, deep.GetProperty("next_cursor").ValueKind);
        Assert.Equal(11, byCursor);
        Assert.Equal(1011, byOffset);
    }

    /// <summary>The embedded store, counting the rows its listing pages return.</summary>
    private sealed class CountingStore : INamespaceStore
    {
        private INamespaceStore _inner = null!;
        private long _rows;

        public long Rows
        {
            get => Interlocked.Read(ref _rows);
            set => Interlocked.Exchange(ref _rows, value);
        }

        public CountingStore Over(INamespaceStore inner)
        {
            _inner = inner;
            return this;
        }

        public async ValueTask<IReadOnlyList<EntrySummary>> ListPageAsync(string ns, string prefix, string? startAfter, int limit, long nowUnixMs, CancellationToken cancellationToken)
        {
            var page = await _inner.ListPageAsync(ns, prefix, startAfter, limit, nowUnixMs, cancellationToken);
            Interlocked.Add(ref _rows, page.Count);
            return page;
        }

        public ValueTask<NamespaceSnapshot> ClaimAsync(string ns, CancellationToken cancellationToken) => _inner.ClaimAsync(ns, cancellationToken);

        public ValueTask<bool> IsCurrentEpochAsync(string ns, long epoch, CancellationToken cancellationToken) => _inner.IsCurrentEpochAsync(ns, epoch, cancellationToken);

        public ValueTask ReleaseAsync(string ns, long epoch, CancellationToken cancellationToken) => _inner.ReleaseAsync(ns, epoch, cancellationToken);

        public ValueTask<StoredEntry?> ReadAsync(string ns, string key, CancellationToken cancellationToken) => _inner.ReadAsync(ns, key, cancellationToken);

        public ValueTask<CommitResult> CommitAsync(string ns, CommitBatch batch, CancellationToken cancellationToken) => _inner.CommitAsync(ns, batch, cancellationToken);

        public ValueTask<IReadOnlyList<ExpiredEntry>> ReadExpiredAsync(string ns, long nowUnixMs, int limit, CancellationToken cancellationToken) =>
            _inner.ReadExpiredAsync(ns, nowUnixMs, limit, cancellationToken);

        public ValueTask<long?> NextExpiryAsync(string ns, CancellationToken cancellationToken) => _inner.NextExpiryAsync(ns, cancellationToken);

        public ValueTask<bool> PingAsync(CancellationToken cancellationToken) => _inner.PingAsync(cancellationToken);
    }
}
