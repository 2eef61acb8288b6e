using Grpc.Core;
using OrleansKv.Client;
using OrleansKv.Protocol.V1;

namespace OrleansKv.Tests.GrpcApi;

/// <summary>List: server streaming in byte order, limits, cursor, cancellation and deadlines.</summary>
[Collection(KvServerCollection.Name)]
public sealed class KvClientListTests(KvServerFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static async Task<(string Prefix, string[] Keys)> SeedAsync(KvClient client, int count)
    {
        var prefix = $"list/{Guid.NewGuid():N}/";
        var keys = Enumerable.Range(0, count).Select(i => $"{prefix}{i:D4}").ToArray();
        await client.BatchAsync(keys.Select(k => KvBatchOperation.Put(k, "v-" + k)));
        return (prefix, keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(700)]
    public async Task ListStreamsEveryKeyOfThePrefixInByteOrder(int count)
    {
        await using var client = fixture.Client();
        var (prefix, keys) = count == 0 ? ($"list/{Guid.NewGuid():N}/", []) : await SeedAsync(client, count);

        var listed = await client.ListAsync(prefix).ToListAsync();

        Assert.Equal(keys, listed.Select(k => k.Key));
        Assert.All(listed, k => Assert.Matches("^\"[0-9]+\"$", k.ETag));
        Assert.All(listed, k => Assert.Equal(2 + k.Key.Length, k.Size));
    }

    [Fact]
    public async Task LimitAndStartAfterPageThroughTheKeys()
    {
        await using var client = fixture.Client();
        var (prefix, keys) = await SeedAsync(client, 25);

        var first = await client.ListAsync(prefix, limit: 10).ToListAsync();
        var second = await client.ListAsync(prefix, startAfter: first[^1].Key, limit: 10).ToListAsync();
        var rest = await client.ListAsync(prefix, startAfter: second[^1].Key).ToListAsync();

        Assert.Equal(keys, first.Concat(second).Concat(rest).Select(k => k.Key));
        Assert.Equal(5, rest.Count);
    }

    [Fact]
    public async Task ListOrdersKeysByUtf8Bytes()
    {
        await using var client = fixture.Client();
        var prefix = $"order/{Guid.NewGuid():N}/";
        string[] keys = [prefix + "B", prefix + "a", prefix + "é", prefix + "z", prefix + "日本"];
        foreach (var key in keys.Reverse())
        {
            await client.SetAsync(key, "v");
        }

        var listed = await client.ListAsync(prefix).Select(k => k.Key).ToListAsync();

        Assert.Equal(keys.OrderBy(k => k, StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task ListReportsExpiries()
    {
        await using var client = fixture.Client();
        var prefix = $"exp/{Guid.NewGuid():N}/";
        await client.SetAsync(prefix + "a", "v", new KvSetOptions { Ttl = TimeSpan.FromHours(1) });
        await client.SetAsync(prefix + "b", "v");

        var listed = await client.ListAsync(prefix).ToListAsync();

        Assert.NotNull(listed[0].ExpiresAt);
        Assert.Null(listed[1].ExpiresAt);
    }

    [Fact]
    public async Task CancellingMidStreamStopsTheListing()
    {
        await using var client = fixture.Client();
        var (prefix, _) = await SeedAsync(client, 700);
        using var cts = new CancellationTokenSource();
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.ListAsync(prefix, cancellationToken: cts.Token))
            {
                if (++received == 3)
                {
                    await cts.CancelAsync();
                }
            }
        }).WaitAsync(Bound);

        Assert.Equal(3, received);

        // The connection is still good for the next call.
        Assert.Equal(700, await client.ListAsync(prefix).CountAsync().AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task BreakingOutOfTheLoopEndsTheCall()
    {
        await using var client = fixture.Client();
        var (prefix, keys) = await SeedAsync(client, 300);

        var firstTwo = new List<string>();
        await foreach (var item in client.ListAsync(prefix))
        {
            firstTwo.Add(item.Key);
            if (firstTwo.Count == 2)
            {
                break;
            }
        }

        Assert.Equal(keys[..2], firstTwo);
    }

    [Fact]
    public async Task ASlowReaderPastItsDeadlineGetsDeadlineExceeded()
    {
        await using var client = fixture.Client();
        var (prefix, _) = await SeedAsync(client, 50);

        await Assert.ThrowsAsync<KvDeadlineExceededException>(async () =>
        {
            await foreach (var _ in client.ListAsync(prefix, timeout: TimeSpan.FromMilliseconds(300)))
            {
                await Task.Delay(100);
            }
        }).WaitAsync(Bound);
    }

    [Fact]
    public async Task BadListArgumentsAreInvalidArgument()
    {
        using var channel = fixture.Host.CreateChannel();
        var grpc = new KvStore.KvStoreClient(channel);

        async Task<StatusCode> StatusOf(ListRequest request)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                using var call = grpc.List(request, RawCalls.Options(fixture.Token));
                await call.ResponseStream.ReadAllAsync().ToListAsync();
            });
            return ex.StatusCode;
        }

        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(new ListRequest { Limit = -1 }));
        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(new ListRequest { Prefix = new string('p', 1025) }));
        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(new ListRequest { StartAfter = new string('s', 1025) }));
    }
}
