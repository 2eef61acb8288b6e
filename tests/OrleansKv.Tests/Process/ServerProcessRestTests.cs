using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OrleansKv.Tests.Rest;

namespace OrleansKv.Tests.ProcessTests;

/// <summary>The REST routes over real HTTP against the real binary (Kestrel, its parser and its limits).</summary>
public sealed class ServerProcessRestTests : IClassFixture<SharedServerFixture>
{
    private readonly ServerProcess _server;

    public ServerProcessRestTests(SharedServerFixture fixture) => _server = fixture.Server;

    [Fact]
    public async Task TheRestRoutesWorkOverRealHttp()
    {
        using var client = _server.CreateClient(SharedServerFixture.TokenA);
        var p = "smoke-" + Guid.NewGuid().ToString("N")[..8];

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/{p}/root", RestAssert.RootValue("hello"))).StatusCode);
        Assert.Equal("hello", await RestAssert.RootGetAsync(client, $"{p}%2Froot"));
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/{p}/root")).StatusCode);
        Assert.Null(await RestAssert.RootGetAsync(client, $"{p}/root"));

        using var content = new ByteArrayContent([0, 1, 2, 255]);
        content.Headers.ContentType = new("application/x-smoke");
        using var put = await client.PutAsync($"/v1/kv/{p}/bin", content);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var get = await client.GetAsync($"/v1/kv/{p}/bin");
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/x-smoke", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(put.Headers.ETag, get.Headers.ETag);
        Assert.True(get.Headers.Contains("X-Content-Sha256") && get.Headers.Contains("X-Created-At") && get.Headers.Contains("X-Updated-At"));

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v1/kv/{p}/bin"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(4, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        using var notModified = new HttpRequestMessage(HttpMethod.Get, $"/v1/kv/{p}/bin");
        notModified.Headers.TryAddWithoutValidation("If-None-Match", put.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(notModified)).StatusCode);

        using var batch = await client.PostAsync("/v1/batch", RestAssert.Json($$"""[{"op": "put", "key": "{{p}}/b", "value": "x"}, {"op": "get", "key": "{{p}}/b"}]"""));
        Assert.Equal("x", (await RestAssert.JsonAsync(batch, HttpStatusCode.OK)).GetProperty("results")[1].GetProperty("value").GetString());
        Assert.Equal([$"{p}/b", $"{p}/bin"], await RestAssert.ListAllAsync(client, p + "/"));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/kv/{p}/bin")).StatusCode);
        await RestAssert.ErrorAsync(await client.DeleteAsync($"/v1/kv/{p}/bin"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task IssuedTokensWorkUntilRevokedOverRealHttp()
    {
        using var admin = _server.CreateClient(ServerProcess.AdminToken);
        using var issue = await admin.PostAsJsonAsync("/v1/tokens", new { @namespace = "smoke-ns", scopes = new[] { "read", "write" } });
        var issued = await RestAssert.JsonAsync(issue, HttpStatusCode.Created);
        using var client = _server.CreateClient(issued.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("/v1/kv/k" + Guid.NewGuid().ToString("N"), new StringContent("v"))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/v1/tokens/" + issued.GetProperty("id").GetString())).StatusCode);

        using var after = await client.GetAsync("/v1/keys");
        await RestAssert.ErrorAsync(after, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("Bearer", after.Headers.WwwAuthenticate.First().Scheme);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/livez")]
    public async Task HealthRoutesAnswerWithoutACredential(string path)
    {
        using var client = _server.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task EncodedSlashesAndUtf8InTheRawTargetNameTheSameKey()
    {
        var p = "raw-" + Guid.NewGuid().ToString("N")[..8];

        var put = await RawHttp.SendAsync(_server.HttpPort, "PUT", $"/v1/kv/{p}%2Fa%2Fb%2Fc%C3%A9", SharedServerFixture.TokenA, "v");
        Assert.Equal(201, put.Status);
        var get = await RawHttp.SendAsync(_server.HttpPort, "GET", $"/v1/kv/{p}/a/b%2Fc\u00e9".Replace("\u00e9", "%c3%a9", StringComparison.Ordinal), SharedServerFixture.TokenA);
        Assert.Equal(200, get.Status);
        Assert.Equal("v", get.Body);

        using var client = _server.CreateClient(SharedServerFixture.TokenA);
        Assert.Equal([$"{p}/a/b/c\u00e9"], await RestAssert.ListAllAsync(client, p));
    }

    [Theory]
    [InlineData("GET", "/v1/kv/%ZZ", 400, "invalid_key")]
    [InlineData("PUT", "/v1/kv/%ZZ", 400, "invalid_key")]
    [InlineData("GET", "/v1/kv/a%", 400, "invalid_key")]
    [InlineData("PUT", "/v1/kv/%C3%28", 400, "invalid_key")]
    [InlineData("POST", "/%C3%28", 400, "invalid_key")]
    [InlineData("PUT", "/v1/kv/a/../b", 400, "invalid_key")]
    [InlineData("PUT", "/v1/kv/a/%2E%2E/b", 400, "invalid_key")]
    [InlineData("POST", "/v1/kv/../../x", 400, "invalid_key")]
    [InlineData("GET", "/v1/nope", 404, "unknown_route")]
    [InlineData("PATCH", "/v1/kv/k", 405, "method_not_allowed")]
    [InlineData("PUT", "/k", 405, "method_not_allowed")]
    [InlineData("POST", "/v1/keys", 405, "method_not_allowed")]
    public async Task BadRequestTargetsGetAJsonErrorFromTheRealServer(string method, string target, int status, string code)
    {
        var token = "process-token-bravo";
        using var client = _server.CreateClient(token);
        var before = await RestAssert.ListAllAsync(client);

        var response = await RawHttp.SendAsync(_server.HttpPort, method, target, token, method is "PUT" or "POST" or "PATCH" ? """{"value": "x"}""" : null);

        response.AssertError(status, code);
        Assert.Equal(before, await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task ANulByteInThePathIsRefusedWithoutWritingAnything()
    {
        using var client = _server.CreateClient(SharedServerFixture.TokenB);
        var before = await RestAssert.ListAllAsync(client);

        var response = await RawHttp.SendAsync(_server.HttpPort, "PUT", "/v1/kv/a%00b", SharedServerFixture.TokenB, "x");

        Assert.InRange(response.Status, 400, 499);
        Assert.Equal(before, await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task AValueAboveMaxValueBytesIs413OverRealHttp()
    {
        using var client = _server.CreateClient(SharedServerFixture.TokenA);
        var key = "big-" + Guid.NewGuid().ToString("N");

        using var response = await client.PutAsync("/v1/kv/" + key, new ByteArrayContent(new byte[SharedServerFixture.MaxValueBytes + 1]));

        await RestAssert.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "value_too_large");
        await RestAssert.ErrorAsync(await client.GetAsync("/v1/kv/" + key), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("/v1/kv/" + key, new ByteArrayContent(new byte[SharedServerFixture.MaxValueBytes]))).StatusCode);
    }

    [Fact]
    public async Task TheProcessSurvivesABurstOfBadRequestsAndGarbage()
    {
        using var client = _server.CreateClient(SharedServerFixture.TokenB, maxConnections: 32);
        var p = "burst-" + Guid.NewGuid().ToString("N")[..8];
        var cases = BadInputTests.Cases().Select(row => (object?[])row).ToList();
        var garbage = new[]
        {
            Encoding.ASCII.GetBytes("GARBAGE\r\n\r\n"),
            Encoding.ASCII.GetBytes("GET /v1/keys HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"),
            Encoding.ASCII.GetBytes("POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n[{\"op\":"),
            Encoding.ASCII.GetBytes("GET /" + new string('a', 20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
            Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('h', 40_000) + "\r\n\r\n"),
            [0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03],
            Enumerable.Range(0, 4096).Select(i => (byte)(i * 31)).ToArray(),
            Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        };

        var httpBurst = Enumerable.Range(0, 300).Select(async i =>
        {
            var row = cases[i % cases.Count];
            using var response = await client.SendAsync(BadInputTests.BuildRequest((string)row[0]!, ((string)row[1]!).Replace("sentinel", p, StringComparison.Ordinal), (string?)row[2], (string?)row[3]));
            return (int)response.StatusCode;
        });
        var garbageBurst = Enumerable.Range(0, 80).Select(async i =>
        {
            try
            {
                await RawHttp.ExchangeAsync(_server.HttpPort, garbage[i % garbage.Length], TimeSpan.FromSeconds(1));
            }
            catch (SocketException)
            {
                // The server may reset a connection that sent garbage; that is fine.
            }
            catch (OperationCanceledException)
            {
                // Or wait for the rest of a truncated request; the client gives up.
            }

            return 400;
        });
        var statuses = await Task.WhenAll(httpBurst.Concat(garbageBurst));

        Assert.All(statuses, s => Assert.InRange(s, 400, 499));
        Assert.False(_server.HasExited, _server.Output);
        using var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync($"/v1/kv/{p}/after", new StringContent("ok"))).StatusCode);
        Assert.Equal([$"{p}/after"], await RestAssert.ListAllAsync(client, p));
        Assert.DoesNotContain("Unhandled exception", _server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorBodiesAreTheDocumentedJsonObject()
    {
        using var client = _server.CreateClient();

        using var response = await client.GetAsync("/v1/keys");

        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["code", "error"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }
}
