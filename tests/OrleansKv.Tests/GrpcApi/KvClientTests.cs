using System.Net;
using System.Text;
using OrleansKv.Client;

namespace OrleansKv.Tests.GrpcApi;

/// <summary>Get, Set, Delete and their statuses through KvClient against the real server.</summary>
[Collection(KvServerCollection.Name)]
public sealed class KvClientTests(KvServerFixture fixture)
{
    private static string NewKey(string name) => $"unary/{Guid.NewGuid():N}/{name}";

    [Fact]
    public async Task SetThenGetReturnsTheValueAndItsMetadata()
    {
        await using var client = fixture.Client();
        var key = NewKey("clé:1");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var written = await client.SetAsync(key, new byte[] { 0, 1, 2, 255 }, new KvSetOptions { ContentType = "application/x-test" });
        var entry = await client.GetAsync(key);

        Assert.True(written.Created);
        Assert.Matches("^\"[0-9]+\"$", written.ETag);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, entry.Value.ToArray());
        Assert.Equal(written.ETag, entry.ETag);
        Assert.Equal("application/x-test", entry.ContentType);
        Assert.Null(entry.ExpiresAt);
        Assert.InRange(entry.CreatedAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(entry.CreatedAt, entry.UpdatedAt);
    }

    [Fact]
    public async Task SecondSetUpdatesAndReturnsANewETag()
    {
        await using var client = fixture.Client();
        var key = NewKey("k");

        var first = await client.SetAsync(key, "one");
        var second = await client.SetAsync(key, "two");

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal("two", (await client.GetAsync(key)).ValueAsString());
    }

    [Fact]
    public async Task SetWithTtlReportsItsExpiry()
    {
        await using var client = fixture.Client();
        var key = NewKey("ttl");

        await client.SetAsync(key, "v", new KvSetOptions { Ttl = TimeSpan.FromMinutes(10) });
        var entry = await client.GetAsync(key);

        Assert.NotNull(entry.ExpiresAt);
        Assert.InRange(entry.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(9), DateTimeOffset.UtcNow.AddMinutes(11));
    }

    [Fact]
    public async Task GetOfAnAbsentKeyIsNotFound()
    {
        await using var client = fixture.Client();

        var ex = await Assert.ThrowsAsync<KvNotFoundException>(() => client.GetAsync(NewKey("absent")));

        Assert.Equal(KvStatusCode.NotFound, ex.Status);
        Assert.Null(await client.TryGetAsync(NewKey("absent")));
    }

    [Fact]
    public async Task IfNoneMatchFailsWhenTheKeyExists()
    {
        await using var client = fixture.Client();
        var key = NewKey("create-only");
        await client.SetAsync(key, "first", new KvSetOptions { IfNoneMatch = true });

        await Assert.ThrowsAsync<KvPreconditionFailedException>(() => client.SetAsync(key, "second", new KvSetOptions { IfNoneMatch = true }));

        Assert.Equal("first", (await client.GetAsync(key)).ValueAsString());
    }

    [Fact]
    public async Task IfMatchAcceptsTheQuotedOrBareETagAndRejectsAStaleOne()
    {
        await using var client = fixture.Client();
        var key = NewKey("cas");
        var v1 = await client.SetAsync(key, "1");
        var v2 = await client.SetAsync(key, "2", new KvSetOptions { IfMatch = v1.ETag });
        var v3 = await client.SetAsync(key, "3", new KvSetOptions { IfMatch = v2.ETag.Trim('"') });
        var v4 = await client.SetAsync(key, "4", new KvSetOptions { IfMatch = "*" });

        await Assert.ThrowsAsync<KvPreconditionFailedException>(() => client.SetAsync(key, "stale", new KvSetOptions { IfMatch = v1.ETag }));
        await Assert.ThrowsAsync<KvPreconditionFailedException>(() => client.SetAsync(NewKey("missing"), "x", new KvSetOptions { IfMatch = "*" }));

        Assert.Equal(v4.ETag, (await client.GetAsync(key)).ETag);
        Assert.NotEqual(v3.ETag, v4.ETag);
    }

    [Fact]
    public async Task DeleteIsIdempotentWithoutAConditionAndConditionalWithOne()
    {
        await using var client = fixture.Client();
        var key = NewKey("del");
        var written = await client.SetAsync(key, "v");

        await Assert.ThrowsAsync<KvPreconditionFailedException>(() => client.DeleteAsync(key, ifMatch: "\"999999\""));
        Assert.True(await client.DeleteAsync(key, ifMatch: written.ETag));
        Assert.False(await client.DeleteAsync(key));
        await Assert.ThrowsAsync<KvPreconditionFailedException>(() => client.DeleteAsync(key, ifMatch: written.ETag));
        await Assert.ThrowsAsync<KvNotFoundException>(() => client.GetAsync(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("long")]
    public async Task BadKeysAreInvalidArgument(string kind)
    {
        await using var client = fixture.Client();
        var key = kind == "long" ? new string('k', 1025) : string.Empty;

        await Assert.ThrowsAsync<KvInvalidArgumentException>(() => client.GetAsync(key));
        await Assert.ThrowsAsync<KvInvalidArgumentException>(() => client.SetAsync(key, "v"));
        await Assert.ThrowsAsync<KvInvalidArgumentException>(() => client.DeleteAsync(key));
    }

    [Fact]
    public async Task ValueAboveMaxValueBytesIsResourceExhaustedAndNotStored()
    {
        await using var client = fixture.Client();
        var key = NewKey("big");

        var ex = await Assert.ThrowsAsync<KvResourceExhaustedException>(() => client.SetAsync(key, new byte[KvServerFixture.MaxValueBytes + 1]));

        Assert.Contains("MAX_VALUE_BYTES", ex.Message, StringComparison.Ordinal);
        Assert.Null(await client.TryGetAsync(key));
        Assert.True((await client.SetAsync(key, new byte[KvServerFixture.MaxValueBytes])).Created);
    }

    [Fact]
    public async Task MessageAboveTheServerLimitIsResourceExhausted()
    {
        await using var client = fixture.Client();

        // The server accepts messages of 8 × MAX_VALUE_BYTES + 4 MiB (its batch bound); this one is larger.
        var ex = await Assert.ThrowsAsync<KvResourceExhaustedException>(() => client.SetAsync(NewKey("huge"), new byte[5 * 1024 * 1024]));

        Assert.Equal(KvStatusCode.ResourceExhausted, ex.Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(315_360_001)]
    public async Task BadTtlIsInvalidArgument(long seconds)
    {
        await using var client = fixture.Client();
        var raw = new OrleansKv.Protocol.V1.SetRequest { Key = NewKey("ttl"), Value = Google.Protobuf.ByteString.CopyFromUtf8("v"), TtlSeconds = seconds };
        using var channel = fixture.Host.CreateChannel();

        var ex = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() =>
            new OrleansKv.Protocol.V1.KvStore.KvStoreClient(channel).SetAsync(raw, RawCalls.Options(fixture.Token)).ResponseAsync);

        Assert.Equal(global::Grpc.Core.StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("\"12")]
    [InlineData("-3")]
    public async Task BadETagSyntaxIsInvalidArgument(string etag)
    {
        await using var client = fixture.Client();

        await Assert.ThrowsAsync<KvInvalidArgumentException>(() => client.SetAsync(NewKey("etag"), "v", new KvSetOptions { IfMatch = etag }));
        await Assert.ThrowsAsync<KvInvalidArgumentException>(() => client.DeleteAsync(NewKey("etag"), etag));
    }

    [Fact]
    public async Task AValueWrittenOverGrpcIsReadOverRestWithTheSameETag()
    {
        await using var client = fixture.Client();
        var key = NewKey("cross");
        var written = await client.SetAsync(key, "über", new KvSetOptions { ContentType = "text/plain" });

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/kv/" + Uri.EscapeDataString(key).Replace("%2F", "/", StringComparison.Ordinal));
        request.Headers.Authorization = new("Bearer", fixture.Token);
        using var response = await fixture.Host.Rest.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(written.ETag, response.Headers.ETag?.Tag);
        Assert.Equal("über", Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task NamespacesAreIsolated()
    {
        await using var mine = fixture.Client();
        await using var theirs = fixture.Client(fixture.OtherToken);
        var key = NewKey("private");
        await mine.SetAsync(key, "mine");

        await Assert.ThrowsAsync<KvNotFoundException>(() => theirs.GetAsync(key));
        Assert.Empty(await theirs.ListAsync(prefix: key).ToListAsync());
        Assert.False(await theirs.DeleteAsync(key));
        Assert.Equal("mine", (await mine.GetAsync(key)).ValueAsString());
    }

    [Fact]
    public async Task HealthCheckNeedsNoCredential()
    {
        await using var client = fixture.Host.CreateClient(token: null);

        var health = await client.HealthCheckAsync();

        Assert.True(health.Healthy);
        Assert.Equal(1, health.ClusterSize);
        Assert.False(string.IsNullOrEmpty(health.Silo));
    }

    [Fact]
    public async Task AnAlreadyPassedDeadlineIsDeadlineExceeded()
    {
        await using var client = fixture.Client();

        var ex = await Assert.ThrowsAsync<KvDeadlineExceededException>(() => client.GetAsync(NewKey("x"), timeout: TimeSpan.FromTicks(1)));

        Assert.Equal(KvStatusCode.DeadlineExceeded, ex.Status);
    }

    [Fact]
    public async Task CancellingTheTokenThrowsOperationCanceled()
    {
        await using var client = fixture.Client();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync(NewKey("x"), cancellationToken: cts.Token));
    }
}
