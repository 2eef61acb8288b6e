using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Client;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Sqlite;
using OrleansKv.Server.Grpc;

namespace OrleansKv.Tests.GrpcApi;

/// <summary>Storage and cluster failures become UNAVAILABLE on the gRPC edge; anything unexpected INTERNAL with nothing of it shown.</summary>
[Collection(KvServerCollection.Name)]
public sealed class GrpcErrorMappingTests
{
    public static TheoryData<Exception, StatusCode?> Exceptions => new()
    {
        { new NamespaceStoreException("disk gone"), StatusCode.Unavailable },
        { new NamespaceMovedException(), StatusCode.Unavailable },
        { new SiloUnavailableException(), StatusCode.Unavailable },
        { new TimeoutException(), StatusCode.Unavailable },
        { new ArgumentException("The key is empty.", "key"), StatusCode.InvalidArgument },
        { new NamespaceQuotaException(QuotaKind.Keys, "max_keys"), StatusCode.ResourceExhausted },
        { new NamespaceQuotaException(QuotaKind.ValueSize, "max_value_bytes"), StatusCode.ResourceExhausted },
        { new OrleansKv.Server.Limits.RateLimitedException(TimeSpan.FromMilliseconds(300)), StatusCode.ResourceExhausted },
        { new OperationCanceledException(), null },
        { new InvalidOperationException("bug"), StatusCode.Internal },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void GrainCallExceptionsMapToStatuses(Exception exception, StatusCode? expected)
    {
        var status = GrpcErrors.FromException(exception);

        Assert.Equal(expected, status?.StatusCode);
        Assert.DoesNotContain("(Parameter", status?.Status.Detail ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailingStoreIsUnavailableToTheClient()
    {
        var token = "boot-" + Guid.NewGuid().ToString("N");
        await using var host = await KvServerHost.StartAsync(
            new Dictionary<string, string?> { ["TOKEN"] = token },
            services => services.AddSingleton<INamespaceStore>(sp => new FailingReads(sp.GetRequiredService<SqliteNamespaceStore>())));
        await using var client = host.CreateClient(token);

        var get = await Assert.ThrowsAsync<KvUnavailableException>(() => client.GetAsync("fail/key"));
        await Assert.ThrowsAsync<KvUnavailableException>(async () => await client.ListAsync("fail/").ToListAsync());

        Assert.Contains("Retry", get.Message, StringComparison.Ordinal);
        Assert.Null(await client.TryGetAsync("fine/key"));
    }

    /// <summary>The embedded store, except that reads and listings of keys under <c>fail/</c> throw.</summary>
    private sealed class FailingReads(SqliteNamespaceStore inner) : INamespaceStore
    {
        public ValueTask<NamespaceSnapshot> ClaimAsync(string ns, CancellationToken cancellationToken) => inner.ClaimAsync(ns, cancellationToken);

        public ValueTask<StoredEntry?> ReadAsync(string ns, string key, CancellationToken cancellationToken) =>
            key.StartsWith("fail/", StringComparison.Ordinal) ? throw new NamespaceStoreException("injected") : inner.ReadAsync(ns, key, cancellationToken);

        public ValueTask<bool> IsCurrentEpochAsync(string ns, long epoch, CancellationToken cancellationToken) => inner.IsCurrentEpochAsync(ns, epoch, cancellationToken);

        public ValueTask ReleaseAsync(string ns, long epoch, CancellationToken cancellationToken) => inner.ReleaseAsync(ns, epoch, cancellationToken);

        public ValueTask<CommitResult> CommitAsync(string ns, CommitBatch batch, CancellationToken cancellationToken) => inner.CommitAsync(ns, batch, cancellationToken);

        public ValueTask<IReadOnlyList<EntrySummary>> ListPageAsync(string ns, string prefix, string? startAfter, int limit, long nowUnixMs, CancellationToken cancellationToken) =>
            prefix.StartsWith("fail/", StringComparison.Ordinal)
                ? throw new NamespaceStoreException("injected")
                : inner.ListPageAsync(ns, prefix, startAfter, limit, nowUnixMs, cancellationToken);

        public ValueTask<IReadOnlyList<ExpiredEntry>> ReadExpiredAsync(string ns, long nowUnixMs, int limit, CancellationToken cancellationToken) =>
            inner.ReadExpiredAsync(ns, nowUnixMs, limit, cancellationToken);

        public ValueTask<long?> NextExpiryAsync(string ns, CancellationToken cancellationToken) => inner.NextExpiryAsync(ns, cancellationToken);

        public ValueTask<bool> PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);
    }
}
