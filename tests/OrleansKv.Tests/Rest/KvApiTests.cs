using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Rest;

/// <summary><c>/v1/kv/{key}</c>: raw bytes, metadata headers, conditions, TTL and limits.</summary>
public sealed class KvApiTests : IClassFixture<KvServerFactory>
{
    private readonly KvServerFactory _server;

    public KvApiTests(KvServerFactory server) => _server = server;

    [Fact]
    public async Task PutCreatesWith201ThenUpdatesWith200AndTheETagIsTheQuotedVersion()
    {
        using var client = await _server.NewNamespaceClientAsync();
        var first = Encoding.UTF8.GetBytes("first");

        using var created = await client.PutAsync("/v1/kv/doc", new ByteArrayContent(first));
        var createdBody = await RestAssert.JsonAsync(created, HttpStatusCode.Created);
        var version1 = createdBody.GetProperty("version").GetInt64();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(first)), createdBody.GetProperty("sha256").GetString());
        Assert.Equal($"\"{version1}\"", created.Headers.ETag?.ToString());

        using var updated = await client.PutAsync("/v1/kv/doc", new StringContent("second"));
        var updatedBody = await RestAssert.JsonAsync(updated, HttpStatusCode.OK);
        var version2 = updatedBody.GetProperty("version").GetInt64();
        Assert.True(version2 > version1, $"version {version2} should be after {version1}");
        Assert.Equal($"\"{version2}\"", updated.Headers.ETag?.ToString());

        using var get = await client.GetAsync("/v1/kv/doc");
        Assert.Equal("second", await get.Content.ReadAsStringAsync());
        Assert.Equal($"\"{version2}\"", get.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task GetReturnsTheBytesWithTheirContentTypeAndMetadataHeaders()
    {
        using var client = await _server.NewNamespaceClientAsync();
        var value = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        using var content = new ByteArrayContent(value);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("image/x-test; charset=binary");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        using var put = await client.PutAsync("/v1/kv/bytes", content);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        using var get = await client.GetAsync("/v1/kv/bytes");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(value, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/x-test; charset=binary", get.Content.Headers.ContentType?.ToString());
        Assert.Equal(put.Headers.ETag, get.Headers.ETag);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(value)), Header(get, "X-Content-Sha256"));
        var createdAt = Rfc3339(Header(get, "X-Created-At"));
        var updatedAt = Rfc3339(Header(get, "X-Updated-At"));
        Assert.InRange(createdAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(createdAt, updatedAt);
        Assert.False(get.Headers.Contains("X-Expires-At"), "a key without TTL has no X-Expires-At");
    }

    [Fact]
    public async Task AValueWithoutContentTypeReadsBackAsOctetStream()
    {
        using var client = await _server.NewNamespaceClientAsync();
        using var content = new ByteArrayContent([1, 2, 3]);

        (await client.PutAsync("/v1/kv/plain", content)).EnsureSuccessStatusCode();

        using var get = await client.GetAsync("/v1/kv/plain");
        Assert.Equal("application/octet-stream", get.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AnUpdateKeepsCreatedAtAndMovesUpdatedAtAndVersion()
    {
        using var client = await _server.NewNamespaceClientAsync();
        (await client.PutAsync("/v1/kv/k", new StringContent("1"))).EnsureSuccessStatusCode();
        using var first = await client.GetAsync("/v1/kv/k");
        var created = Header(first, "X-Created-At");

        // Timestamps have millisecond precision: make sure the clock moved on.
        await Eventually.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow > Rfc3339(created).AddMilliseconds(5)), TimeSpan.FromSeconds(1), "clock tick");
        (await client.PutAsync("/v1/kv/k", new StringContent("2"))).EnsureSuccessStatusCode();

        using var second = await client.GetAsync("/v1/kv/k");
        Assert.Equal(created, Header(second, "X-Created-At"));
        Assert.True(Rfc3339(Header(second, "X-Updated-At")) > Rfc3339(created));
        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
    }

    [Fact]
    public async Task XTtlSecondsSetsXExpiresAtAndTheKeyExpires()
    {
        using var client = await _server.NewNamespaceClientAsync();
        using var content = new StringContent("soon");
        content.Headers.Add("X-TTL-Seconds", "1");

        using var put = await client.PutAsync("/v1/kv/ttl", content);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        using (var get = await client.GetAsync("/v1/kv/ttl"))
        {
            var expires = Rfc3339(Header(get, "X-Expires-At"));
            Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(1.5));
        }

        await Eventually.TrueAsync(
            async () => (await client.GetAsync("/v1/kv/ttl")).StatusCode == HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(5),
            "the key with X-TTL-Seconds: 1 should expire");
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/kv/ttl"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Empty(await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task IfMatchUpdatesOnlyThatVersion()
    {
        using var client = await _server.NewNamespaceClientAsync();
        using var created = await client.PutAsync("/v1/kv/k", new StringContent("v1"));
        var etag1 = created.Headers.ETag!.ToString();

        using var update = Put("/v1/kv/k", "v2", ("If-Match", etag1));
        using var ok = await client.SendAsync(update);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        using var stale = Put("/v1/kv/k", "v3", ("If-Match", etag1));
        using var failed = await client.SendAsync(stale);
        await RestAssert.ErrorAsync(failed, HttpStatusCode.PreconditionFailed, "precondition_failed");

        using var get = await client.GetAsync("/v1/kv/k");
        Assert.Equal("v2", await get.Content.ReadAsStringAsync());
        Assert.Equal(ok.Headers.ETag, get.Headers.ETag);
    }

    [Fact]
    public async Task IfMatchStarUpdatesOnlyAnExistingKey()
    {
        using var client = await _server.NewNamespaceClientAsync();

        using var absent = await client.SendAsync(Put("/v1/kv/k", "v", ("If-Match", "*")));
        await RestAssert.ErrorAsync(absent, HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Empty(await RestAssert.ListAllAsync(client));

        (await client.PutAsync("/v1/kv/k", new StringContent("v1"))).EnsureSuccessStatusCode();
        using var present = await client.SendAsync(Put("/v1/kv/k", "v2", ("If-Match", "*")));
        Assert.Equal(HttpStatusCode.OK, present.StatusCode);
        Assert.Equal("v2", await (await client.GetAsync("/v1/kv/k")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task IfNoneMatchStarCreatesOnly()
    {
        using var client = await _server.NewNamespaceClientAsync();

        using var create = await client.SendAsync(Put("/v1/kv/k", "first", ("If-None-Match", "*")));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);

        using var again = await client.SendAsync(Put("/v1/kv/k", "second", ("If-None-Match", "*")));
        await RestAssert.ErrorAsync(again, HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Equal("first", await (await client.GetAsync("/v1/kv/k")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AValueAboveMaxValueBytesIs413AndIsNotStored()
    {
        using var client = await _server.NewNamespaceClientAsync();

        using var atLimit = await client.PutAsync("/v1/kv/max", new ByteArrayContent(new byte[KvServerFactory.MaxValueBytes]));
        Assert.Equal(HttpStatusCode.Created, atLimit.StatusCode);

        using var tooLarge = await client.PutAsync("/v1/kv/big", new ByteArrayContent(new byte[KvServerFactory.MaxValueBytes + 1]));
        await RestAssert.ErrorAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge, "value_too_large");

        using var overwrite = await client.PutAsync("/v1/kv/max", new ByteArrayContent(new byte[KvServerFactory.MaxValueBytes + 1]));
        await RestAssert.ErrorAsync(overwrite, HttpStatusCode.RequestEntityTooLarge, "value_too_large");

        Assert.Equal(["max"], await RestAssert.ListAllAsync(client));
        Assert.Equal(KvServerFactory.MaxValueBytes, (await (await client.GetAsync("/v1/kv/max")).Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task AChunkedValueAboveMaxValueBytesIs413()
    {
        using var client = await _server.NewNamespaceClientAsync();
        using var content = new StreamContent(new MemoryStream(new byte[KvServerFactory.MaxValueBytes + 10]));
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/kv/chunked") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        await RestAssert.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "value_too_large");
        Assert.Empty(await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task IfNoneMatchWithTheCurrentETagAnswers304()
    {
        using var client = await _server.NewNamespaceClientAsync();
        using var put = await client.PutAsync("/v1/kv/k", new StringContent("v"));
        var etag = put.Headers.ETag!.ToString();

        using var notModified = await client.SendAsync(Get("/v1/kv/k", ("If-None-Match", etag)));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, notModified.Headers.ETag?.ToString());

        using var listed = await client.SendAsync(Get("/v1/kv/k", ("If-None-Match", $"\"999999\", {etag}")));
        Assert.Equal(HttpStatusCode.NotModified, listed.StatusCode);

        using var other = await client.SendAsync(Get("/v1/kv/k", ("If-None-Match", "\"999999\"")));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal("v", await other.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HeadAnswersTheSameHeadersAndContentLengthWithoutABody()
    {
        using var client = await _server.NewNamespaceClientAsync();
        using var content = new StringContent("twelve bytes", Encoding.UTF8, "text/plain");
        content.Headers.Add("X-TTL-Seconds", "600");
        (await client.PutAsync("/v1/kv/h", content)).EnsureSuccessStatusCode();
        using var get = await client.GetAsync("/v1/kv/h");

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/kv/h"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(12, head.Content.Headers.ContentLength);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        foreach (var name in new[] { "X-Content-Sha256", "X-Created-At", "X-Updated-At", "X-Expires-At" })
        {
            Assert.Equal(Header(get, name), Header(head, name));
        }

        using var absent = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/kv/absent"));
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
    }

    [Fact]
    public async Task DeleteAnswers204Then404()
    {
        using var client = await _server.NewNamespaceClientAsync();
        (await client.PutAsync("/v1/kv/k", new StringContent("v"))).EnsureSuccessStatusCode();

        using var deleted = await client.DeleteAsync("/v1/kv/k");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await deleted.Content.ReadAsByteArrayAsync());

        using var again = await client.DeleteAsync("/v1/kv/k");
        await RestAssert.ErrorAsync(again, HttpStatusCode.NotFound, "not_found");
        using var get = await client.GetAsync("/v1/kv/k");
        await RestAssert.ErrorAsync(get, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task DeleteHonoursIfMatch()
    {
        using var client = await _server.NewNamespaceClientAsync();
        using var v1 = await client.PutAsync("/v1/kv/k", new StringContent("1"));
        using var v2 = await client.PutAsync("/v1/kv/k", new StringContent("2"));

        using var stale = await client.SendAsync(Delete("/v1/kv/k", ("If-Match", v1.Headers.ETag!.ToString())));
        await RestAssert.ErrorAsync(stale, HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Equal("2", await (await client.GetAsync("/v1/kv/k")).Content.ReadAsStringAsync());

        using var current = await client.SendAsync(Delete("/v1/kv/k", ("If-Match", v2.Headers.ETag!.ToString())));
        Assert.Equal(HttpStatusCode.NoContent, current.StatusCode);
        Assert.Empty(await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task DeleteWithIfMatchStarNeedsAnExistingKey()
    {
        using var client = await _server.NewNamespaceClientAsync();

        using var absent = await client.SendAsync(Delete("/v1/kv/k", ("If-Match", "*")));
        await RestAssert.ErrorAsync(absent, HttpStatusCode.PreconditionFailed, "precondition_failed");

        (await client.PutAsync("/v1/kv/k", new StringContent("v"))).EnsureSuccessStatusCode();
        using var present = await client.SendAsync(Delete("/v1/kv/k", ("If-Match", "*")));
        Assert.Equal(HttpStatusCode.NoContent, present.StatusCode);
        Assert.Empty(await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task PercentEncodedAndSlashedKeysAreTheSameKeyOnV1()
    {
        using var client = await _server.NewNamespaceClientAsync();

        using var put = await client.PutAsync("/v1/kv/a/b/c", new StringContent("x"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var update = await client.PutAsync("/v1/kv/a%2Fb%2Fc", new StringContent("y"));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        using var utf8 = await client.PutAsync("/v1/kv/%F0%9F%98%80%20smile", new StringContent("z"));
        Assert.Equal(HttpStatusCode.Created, utf8.StatusCode);

        Assert.Equal("y", await (await client.GetAsync("/v1/kv/a/b%2Fc")).Content.ReadAsStringAsync());
        Assert.Equal(["a/b/c", "\U0001F600 smile"], await RestAssert.ListAllAsync(client));
    }

    private static HttpRequestMessage Put(string url, string value, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StringContent(value) };
        foreach (var (name, v) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, v);
        }

        return request;
    }

    private static HttpRequestMessage Get(string url, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, v) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, v);
        }

        return request;
    }

    private static HttpRequestMessage Delete(string url, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, url);
        foreach (var (name, v) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, v);
        }

        return request;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : throw new Xunit.Sdk.XunitException($"the response has no {name} header");

    private static DateTimeOffset Rfc3339(string text)
    {
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$", text);
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}
