using System.Diagnostics;
using System.Net;
using OrleansKv.Client;
using OrleansKv.Tests.Rest;

namespace OrleansKv.Tests.Limits;

/// <summary>Refusals on both protocols: 507 / 413 / 429 with their codes on REST, RESOURCE_EXHAUSTED on gRPC.</summary>
public sealed class LimitRefusalTests(LimitsServerFixture server) : IClassFixture<LimitsServerFixture>
{
    [Fact]
    public async Task AFullKeyQuotaIs507OnEveryRestWriteRouteAndChangesNothing()
    {
        var (ns, token) = await server.NewNamespaceAsync();
        await server.SetLimitsAsync(ns, new { max_keys = 1 });
        using var client = server.Rest(token);
        (await client.PutAsync("/v1/kv/first", new StringContent("v"))).EnsureSuccessStatusCode();

        var put = await RestAssert.ErrorAsync(await client.PutAsync("/v1/kv/second", new StringContent("v")), HttpStatusCode.InsufficientStorage, "quota_exceeded");
        await RestAssert.ErrorAsync(await client.PostAsync("/second", RestAssert.RootValue("v")), HttpStatusCode.InsufficientStorage, "quota_exceeded");
        await RestAssert.ErrorAsync(
            await client.PostAsync("/v1/batch", RestAssert.Json("""[{"op": "put", "key": "second", "value": "v"}]""")),
            HttpStatusCode.InsufficientStorage,
            "quota_exceeded");

        Assert.Contains("max_keys", put.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(["first"], await RestAssert.ListAllAsync(client));
        (await client.PutAsync("/v1/kv/first", new StringContent("updated"))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task AValueAboveTheNamespacesMaxValueBytesIs413OnRest()
    {
        var (ns, token) = await server.NewNamespaceAsync();
        await server.SetLimitsAsync(ns, new { max_value_bytes = 4 });
        using var client = server.Rest(token);

        await RestAssert.ErrorAsync(await client.PutAsync("/v1/kv/k", new StringContent("12345")), HttpStatusCode.RequestEntityTooLarge, "value_too_large");
        await RestAssert.ErrorAsync(await client.PostAsync("/k", RestAssert.RootValue("12345")), HttpStatusCode.RequestEntityTooLarge, "value_too_large");
        (await client.PutAsync("/v1/kv/k", new StringContent("1234"))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task QuotaRefusalsAreResourceExhaustedOnGrpc()
    {
        var (ns, token) = await server.NewNamespaceAsync();
        await server.SetLimitsAsync(ns, new { max_keys = 1, max_value_bytes = 4 });
        await using var client = server.Host.CreateClient(token);
        await client.SetAsync("first", "v");

        var keys = await Assert.ThrowsAsync<KvResourceExhaustedException>(() => client.SetAsync("second", "v"));
        var size = await Assert.ThrowsAsync<KvResourceExhaustedException>(() => client.SetAsync("first", "12345"));
        var batch = await Assert.ThrowsAsync<KvResourceExhaustedException>(() => client.BatchAsync([KvBatchOperation.Put("second", "v")]));

        Assert.Contains("max_keys", keys.Message, StringComparison.Ordinal);
        Assert.Contains("max_value_bytes", size.Message, StringComparison.Ordinal);
        Assert.Contains("max_keys", batch.Message, StringComparison.Ordinal);
        Assert.Null(await client.TryGetAsync("second"));
    }

    [Fact]
    public async Task AThrottledNamespaceGets429WithRetryAfterOnRestAndResourceExhaustedOnGrpc()
    {
        var (ns, token) = await server.NewNamespaceAsync();
        var (_, otherToken) = await server.NewNamespaceAsync();
        await server.SetLimitsAsync(ns, new { ops_per_second = 1, burst = 3 });
        using var client = server.Rest(token);
        using var other = server.Rest(otherToken);

        // The bucket holds 3 and refills one a second: within a few requests one must be refused.
        var clock = Stopwatch.StartNew();
        HttpResponseMessage? refused = null;
        var admitted = 0;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            var response = await client.GetAsync("/v1/kv/absent");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                admitted++;
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        Assert.InRange(admitted, 3, 3 + (int)Math.Ceiling(clock.Elapsed.TotalSeconds));
        var body = await RestAssert.ErrorAsync(refused, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Contains("retry after", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        refused.Dispose();

        // The same bucket serves gRPC; another namespace is not affected.
        await using var grpc = server.Host.CreateClient(token);
        var exhausted = await Assert.ThrowsAsync<KvResourceExhaustedException>(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await grpc.TryGetAsync("absent");
            }
        });
        Assert.Contains("rate limit", exhausted.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/v1/kv/absent")).StatusCode);

        using var metrics = server.Rest(null);
        var text = await metrics.GetStringAsync("/metrics");
        Assert.True(HasSample(text, "kv_rate_limited_total", "protocol=\"rest\""), text);
        Assert.True(HasSample(text, "kv_rate_limited_total", "protocol=\"grpc\""), text);
    }

    [Fact]
    public async Task AGrpcCallSpendsOnePermitOfItsNamespacesBucket()
    {
        // The service takes the permit once it knows the caller, and the HTTP rate limiting middleware passes gRPC by:
        // a bucket of 3 admits three calls (plus what it refilled meanwhile), not one and a half.
        var (ns, token) = await server.NewNamespaceAsync();
        await server.SetLimitsAsync(ns, new { ops_per_second = 1, burst = 3 });
        await using var grpc = server.Host.CreateClient(token);

        var clock = Stopwatch.StartNew();
        var admitted = 0;
        var refused = false;
        for (var i = 0; i < 10 && !refused; i++)
        {
            try
            {
                Assert.Null(await grpc.TryGetAsync("absent"));
                admitted++;
            }
            catch (KvResourceExhaustedException)
            {
                refused = true;
            }
        }

        Assert.True(refused, "the bucket of 3 should refuse within 10 calls");
        Assert.InRange(admitted, 3, 3 + (int)Math.Ceiling(clock.Elapsed.TotalSeconds));
    }

    [Fact]
    public async Task QuotaRefusalsAreCountedByQuota()
    {
        var (ns, token) = await server.NewNamespaceAsync();
        await server.SetLimitsAsync(ns, new { max_bytes = 10 });
        using var client = server.Rest(token);

        await RestAssert.ErrorAsync(await client.PutAsync("/v1/kv/k", new StringContent("0123456789")), HttpStatusCode.InsufficientStorage, "quota_exceeded");

        using var metrics = server.Rest(null);
        var text = await metrics.GetStringAsync("/metrics");
        Assert.True(HasSample(text, "kv_quota_refusals_total", "quota=\"bytes\""), text);
    }

    /// <summary>Whether the Prometheus text has a positive sample of <paramref name="name"/> with <paramref name="label"/>.</summary>
    private static bool HasSample(string text, string name, string label) =>
        text.Split('\n').Any(line => line.StartsWith(name + "{", StringComparison.Ordinal) && line.Contains(label, StringComparison.Ordinal) && !line.EndsWith(" 0", StringComparison.Ordinal));
}
