using Grpc.Core;
using OrleansKv.Client;
using OrleansKv.Protocol.V1;

namespace OrleansKv.Tests.GrpcApi;

/// <summary>Batch: atomic writes, per-op statuses, applied = false on a failed condition, bad input.</summary>
[Collection(KvServerCollection.Name)]
public sealed class KvClientBatchTests(KvServerFixture fixture)
{
    private static string NewKey(string name) => $"batch/{Guid.NewGuid():N}/{name}";

    [Fact]
    public async Task ABatchAppliesEveryOpInOrder()
    {
        await using var client = fixture.Client();
        var (a, b) = (NewKey("a"), NewKey("b"));
        await client.SetAsync(b, "old-b");

        var result = await client.BatchAsync(
        [
            KvBatchOperation.Put(a, "new-a", new KvSetOptions { ContentType = "text/plain", Ttl = TimeSpan.FromHours(1) }),
            KvBatchOperation.Get(a),
            KvBatchOperation.Delete(b),
            KvBatchOperation.Get(b),
        ]);

        Assert.True(result.Applied);
        Assert.Equal([KvBatchOpStatus.Created, KvBatchOpStatus.Ok, KvBatchOpStatus.Ok, KvBatchOpStatus.NotFound], result.Results.Select(r => r.Status));
        Assert.Equal("new-a"u8.ToArray(), result.Results[1].Value.ToArray());
        Assert.Equal(result.Results[0].ETag, result.Results[1].ETag);
        Assert.Equal("text/plain", result.Results[1].ContentType);
        Assert.NotNull(result.Results[1].ExpiresAt);
        Assert.True(result.Results[2].Deleted);
        Assert.Null(await client.TryGetAsync(b));
    }

    [Fact]
    public async Task AFailedConditionAppliesNothingAndSaysWhichOpFailed()
    {
        await using var client = fixture.Client();
        var (a, b) = (NewKey("a"), NewKey("b"));
        await client.SetAsync(b, "exists");

        var result = await client.BatchAsync(
        [
            KvBatchOperation.Put(a, "1"),
            KvBatchOperation.Put(b, "2", new KvSetOptions { IfNoneMatch = true }),
            KvBatchOperation.Get(b),
        ]);

        Assert.False(result.Applied);
        Assert.Equal([KvBatchOpStatus.Aborted, KvBatchOpStatus.PreconditionFailed, KvBatchOpStatus.Ok], result.Results.Select(r => r.Status));
        Assert.Equal("exists"u8.ToArray(), result.Results[2].Value.ToArray());
        Assert.Null(await client.TryGetAsync(a));
    }

    [Fact]
    public async Task BadBatchesAreInvalidArgument()
    {
        await using var client = fixture.Client();

        await Assert.ThrowsAsync<KvInvalidArgumentException>(() => client.BatchAsync([]));
        await Assert.ThrowsAsync<KvInvalidArgumentException>(() => client.BatchAsync(Enumerable.Range(0, 1001).Select(i => KvBatchOperation.Get("k" + i))));
        await Assert.ThrowsAsync<KvInvalidArgumentException>(() => client.BatchAsync([KvBatchOperation.Put(string.Empty, "v")]));
        await Assert.ThrowsAsync<KvResourceExhaustedException>(() => client.BatchAsync([KvBatchOperation.Put(NewKey("big"), new byte[KvServerFixture.MaxValueBytes + 1])]));
        await Assert.ThrowsAsync<KvInvalidArgumentException>(() => client.BatchAsync([KvBatchOperation.Delete(NewKey("d"), ifMatch: "nope")]));
        await Assert.ThrowsAsync<KvInvalidArgumentException>(() => client.BatchAsync([KvBatchOperation.Put(NewKey("t"), "v", new KvSetOptions { Ttl = TimeSpan.Zero })]));
    }

    [Fact]
    public async Task AnOpWithoutAKindIsInvalidArgument()
    {
        using var channel = fixture.Host.CreateChannel();
        var request = new BatchRequest { Ops = { new BatchOp { Key = NewKey("k") } } };

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            new KvStore.KvStoreClient(channel).BatchAsync(request, RawCalls.Options(fixture.Token)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("Operation 0", ex.Status.Detail, StringComparison.Ordinal);
    }
}
