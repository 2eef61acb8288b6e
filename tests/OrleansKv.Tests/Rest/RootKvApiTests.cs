using System.Net;
using System.Text.Json;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Rest;

/// <summary>The root KVStore contract: <c>GET/POST/DELETE /{key}</c> with JSON string values.</summary>
public sealed class RootKvApiTests : IClassFixture<KvServerFactory>
{
    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly KvServerFactory _server;

    public RootKvApiTests(KvServerFactory server) => _server = server;

    [Fact]
    public async Task PostThenGetReturnsTheValueAndDeleteRemovesIt()
    {
        using var client = _server.ClientWith(KvServerFactory.TokenA);
        var key = "root-" + Guid.NewGuid().ToString("N");

        using (var set = await client.PostAsync("/" + key, RestAssert.RootValue("hello")))
        {
            var body = await RestAssert.JsonAsync(set, HttpStatusCode.OK);
            Assert.Equal("OK", body.GetProperty("message").GetString());
        }

        using (var get = await client.GetAsync("/" + key))
        {
            var body = await RestAssert.JsonAsync(get, HttpStatusCode.OK);
            Assert.Equal("hello", body.GetProperty("value").GetString());
            Assert.Equal("application/json", get.Content.Headers.ContentType?.MediaType);
        }

        using (var delete = await client.DeleteAsync("/" + key))
        {
            var body = await RestAssert.JsonAsync(delete, HttpStatusCode.OK);
            Assert.Equal("OK", body.GetProperty("message").GetString());
        }

        using var gone = await client.GetAsync("/" + key);
        await RestAssert.ErrorAsync(gone, HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("plain ascii value")]
    [InlineData("")]
    [InlineData("quote \" backslash \\ tab \t newline \n")]
    [InlineData("héllo wörld ✓ 𝄞")]
    [InlineData("<script>&'+`")]
    public async Task GetAnswersTheExactValueAsJsonWithALength(string value)
    {
        // Plain values are written pre-encoded, the others through the serializer: both must be the same JSON.
        using var client = _server.ClientWith(KvServerFactory.TokenA);
        var key = "root-" + Guid.NewGuid().ToString("N");
        (await client.PostAsync("/" + key, RestAssert.RootValue(value))).EnsureSuccessStatusCode();

        using var get = await client.GetAsync("/" + key);
        var raw = await get.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("application/json", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(value, JsonDocument.Parse(raw).RootElement.GetProperty("value").GetString());
        Assert.Equal(JsonSerializer.Serialize(new { value }, RelaxedJson), raw);
    }

    [Fact]
    public async Task ALargeValueIsAnsweredWhole()
    {
        using var client = _server.ClientWith(KvServerFactory.TokenA);
        var key = "root-" + Guid.NewGuid().ToString("N");
        var value = new string('x', KvServerFactory.MaxValueBytes);
        (await client.PostAsync("/" + key, RestAssert.RootValue(value))).EnsureSuccessStatusCode();

        Assert.Equal(value, await RestAssert.RootGetAsync(client, key));
    }

    [Fact]
    public async Task PostOverwritesAnEarlierValue()
    {
        using var client = await _server.NewNamespaceClientAsync();

        (await client.PostAsync("/k", RestAssert.RootValue("one"))).EnsureSuccessStatusCode();
        (await client.PostAsync("/k", RestAssert.RootValue("two"))).EnsureSuccessStatusCode();

        Assert.Equal("two", await RestAssert.RootGetAsync(client, "k"));
        Assert.Equal(["k"], await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task GetOfAnAbsentKeyIs404WithAJsonError()
    {
        using var client = _server.ClientWith(KvServerFactory.TokenA);

        using var response = await client.GetAsync("/never-written-" + Guid.NewGuid().ToString("N"));

        await RestAssert.ErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task DeleteIsIdempotent()
    {
        using var client = await _server.NewNamespaceClientAsync();
        (await client.PostAsync("/k", RestAssert.RootValue("v"))).EnsureSuccessStatusCode();

        for (var i = 0; i < 2; i++)
        {
            using var delete = await client.DeleteAsync("/k");
            Assert.Equal("OK", (await RestAssert.JsonAsync(delete, HttpStatusCode.OK)).GetProperty("message").GetString());
        }

        using var never = await client.DeleteAsync("/never-existed");
        await RestAssert.JsonAsync(never, HttpStatusCode.OK);
        Assert.Empty(await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task SlashedAndPercentEncodedSlashKeysAreTheSameKey()
    {
        using var client = await _server.NewNamespaceClientAsync();

        (await client.PostAsync("/a/b/c", RestAssert.RootValue("slashed"))).EnsureSuccessStatusCode();
        Assert.Equal("slashed", await RestAssert.RootGetAsync(client, "a%2Fb%2Fc"));

        (await client.PostAsync("/a%2Fb%2Fc", RestAssert.RootValue("encoded"))).EnsureSuccessStatusCode();
        Assert.Equal("encoded", await RestAssert.RootGetAsync(client, "a/b/c"));
        Assert.Equal("encoded", await RestAssert.RootGetAsync(client, "a%2fb/c"));

        using var v1 = await client.GetAsync("/v1/kv/a%2Fb%2Fc");
        Assert.Equal("encoded", await v1.Content.ReadAsStringAsync());
        Assert.Equal(["a/b/c"], await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task ColonAndPercentEncodedUtf8KeysRoundTrip()
    {
        using var client = await _server.NewNamespaceClientAsync();

        (await client.PostAsync("/user:123", RestAssert.RootValue("colon"))).EnsureSuccessStatusCode();
        (await client.PostAsync("/caf%C3%A9/%E4%B8%AD", RestAssert.RootValue("utf8"))).EnsureSuccessStatusCode();

        Assert.Equal("colon", await RestAssert.RootGetAsync(client, "user:123"));
        Assert.Equal("colon", await RestAssert.RootGetAsync(client, "user%3A123"));
        Assert.Equal("utf8", await RestAssert.RootGetAsync(client, "caf%C3%A9%2F%E4%B8%AD"));
        Assert.Equal(["caf\u00e9/\u4e2d", "user:123"], await RestAssert.ListAllAsync(client));
    }

    [Theory]
    [InlineData("/v1/anything")]
    [InlineData("/v1/kvx/k")]
    [InlineData("/v1")]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/livez")]
    [InlineData("/metrics")]
    [InlineData("/HEALTHZ")]
    [InlineData("/Metrics")]
    [InlineData("/V1/x")]
    public async Task OperationalAndV1PathsAreNotKeysAtTheRoot(string path)
    {
        using var client = await _server.NewNamespaceClientAsync();

        using var set = await client.PostAsync(path, RestAssert.RootValue("x"));
        await RestAssert.ErrorAsync(set, HttpStatusCode.NotFound, "unknown_route");
        using var delete = await client.DeleteAsync(path);
        await RestAssert.ErrorAsync(delete, HttpStatusCode.NotFound, "unknown_route");

        Assert.Empty(await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task V1KeyRoutesMatchTheirPrefixCaseInsensitivelyLikeRouting()
    {
        using var client = await _server.NewNamespaceClientAsync();
        (await client.PutAsync("/v1/kv/Key", new StringContent("v"))).EnsureSuccessStatusCode();

        using var get = await client.GetAsync("/V1/KV/Key");

        Assert.Equal("v", await get.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/kv/key")).StatusCode);
    }

    [Fact]
    public async Task KeysNamedLikeOperationalRoutesAreReachedThroughV1()
    {
        using var client = await _server.NewNamespaceClientAsync();

        using var put = await client.PutAsync("/v1/kv/healthz", new StringContent("h"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var put2 = await client.PutAsync("/v1/kv/v1/kv/x", new StringContent("nested"));
        Assert.Equal(HttpStatusCode.Created, put2.StatusCode);

        using var health = await client.GetAsync("/healthz");
        Assert.Equal("ok", (await RestAssert.JsonAsync(health, HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal(["healthz", "v1/kv/x"], await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task TtlSecondsExpiresTheKey()
    {
        using var client = await _server.NewNamespaceClientAsync();

        (await client.PostAsync("/short", RestAssert.RootValue("v", ttl: 1))).EnsureSuccessStatusCode();
        (await client.PostAsync("/long", RestAssert.RootValue("v", ttl: 3600))).EnsureSuccessStatusCode();

        using (var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/kv/long")))
        {
            var expires = DateTimeOffset.Parse(head.Headers.GetValues("X-Expires-At").Single(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        }

        Assert.Equal("v", await RestAssert.RootGetAsync(client, "short"));
        await Eventually.TrueAsync(async () => await RestAssert.RootGetAsync(client, "short") is null, TimeSpan.FromSeconds(5), "the key with a 1 s TTL should expire");
        Assert.Equal(["long"], await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task AWriteWithoutTtlClearsAnEarlierTtl()
    {
        using var client = await _server.NewNamespaceClientAsync();
        (await client.PostAsync("/k", RestAssert.RootValue("v", ttl: 60))).EnsureSuccessStatusCode();

        (await client.PostAsync("/k", RestAssert.RootValue("w"))).EnsureSuccessStatusCode();

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/kv/k"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.False(head.Headers.Contains("X-Expires-At"));
    }

    [Fact]
    public async Task RootValuesAreStoredAsUtf8Text()
    {
        using var client = await _server.NewNamespaceClientAsync();
        const string text = "h\u00e9llo \"w\u00f6rld\" \U0001F600";

        (await client.PostAsync("/t", RestAssert.RootValue(text))).EnsureSuccessStatusCode();

        Assert.Equal(text, await RestAssert.RootGetAsync(client, "t"));
        using var raw = await client.GetAsync("/v1/kv/t");
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(text), await raw.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/plain", raw.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ABinaryValueIsNotServedAsJsonText()
    {
        using var client = await _server.NewNamespaceClientAsync();
        using var put = await client.PutAsync("/v1/kv/bin", new ByteArrayContent([0xff, 0xfe, 0x00]));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        using var get = await client.GetAsync("/bin");

        var error = await RestAssert.ErrorAsync(get, HttpStatusCode.Conflict, "binary_value");
        Assert.Contains("/v1/kv/", error.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RootAnswersAreTheDocumentedJsonShapes()
    {
        using var client = await _server.NewNamespaceClientAsync();

        using var set = await client.PostAsync("/shape", RestAssert.RootValue("v"));
        Assert.Equal("""{"message":"OK"}""", await set.Content.ReadAsStringAsync());
        using var get = await client.GetAsync("/shape");
        Assert.Equal("""{"value":"v"}""", await get.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(await (await client.DeleteAsync("/shape")).Content.ReadAsStringAsync()).RootElement.ValueKind);
    }
}
