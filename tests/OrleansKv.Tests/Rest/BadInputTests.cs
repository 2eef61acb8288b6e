using System.Net;
using System.Text;
using System.Text.Json;

namespace OrleansKv.Tests.Rest;

/// <summary>
/// DESIGN guarantee 7: bad input gets a clear 4xx JSON error and changes nothing (checked with a follow-up
/// read and listing), and the server stays up.
/// </summary>
public sealed class BadInputTests : IClassFixture<KvServerFactory>
{
    private const string Sentinel = "sentinel";
    private const string SentinelValue = "original";
    private static readonly string TooLongKey = new('k', 1025);

    private readonly KvServerFactory _server;

    public BadInputTests(KvServerFactory server) => _server = server;

    /// <summary>(method, path, body, extra header "Name: value", status, code). Bodies starting with '@' are generated.</summary>
    public static TheoryData<string, string, string?, string?, int, string> Cases() => new()
    {
        // Keys.
        { "POST", "/" + TooLongKey, """{"value": "x"}""", null, 400, "invalid_key" },
        { "PUT", "/v1/kv/" + TooLongKey, "x", null, 400, "invalid_key" },
        { "GET", "/v1/kv/" + TooLongKey, null, null, 400, "invalid_key" },
        { "POST", "/", """{"value": "x"}""", null, 400, "invalid_key" },
        { "PUT", "/v1/kv/", "x", null, 400, "invalid_key" },
        { "DELETE", "/v1/kv/", null, null, 400, "invalid_key" },

        // Root bodies.
        { "POST", "/k", """{"value": """, null, 400, "malformed_json" },
        { "POST", "/k", """{"value": 5}""", null, 400, "malformed_json" },
        { "POST", "/k", """{"value": ["a"]}""", null, 400, "malformed_json" },
        { "POST", "/k", """["value"]""", null, 400, "malformed_json" },
        { "POST", "/k", "\"value\"", null, 400, "malformed_json" },
        { "POST", "/k", "", null, 400, "malformed_json" },
        { "POST", "/k", "value=x", null, 400, "malformed_json" },
        { "POST", "/k", "{}", null, 400, "missing_value" },
        { "POST", "/k", "null", null, 400, "missing_value" },
        { "POST", "/k", """{"value": null}""", null, 400, "missing_value" },
        { "POST", "/" + Sentinel, """{"value": "x", "ttl_seconds": 0}""", null, 400, "invalid_ttl" },
        { "POST", "/" + Sentinel, """{"value": "x", "ttl_seconds": -5}""", null, 400, "invalid_ttl" },
        { "POST", "/" + Sentinel, """{"value": "x", "ttl_seconds": 315360001}""", null, 400, "invalid_ttl" },
        { "POST", "/" + Sentinel, """{"value": "x", "ttl_seconds": 99999999999999999999}""", null, 400, "malformed_json" },
        { "POST", "/" + Sentinel, """{"value": "x", "ttl_seconds": "60"}""", null, 400, "malformed_json" },
        { "POST", "/" + Sentinel, """{"value": "x", "ttl_seconds": 1.5}""", null, 400, "malformed_json" },
        { "POST", "/" + Sentinel, "@root-oversize", null, 413, "value_too_large" },

        // /v1/kv headers and sizes.
        { "PUT", "/v1/kv/" + Sentinel, "x", "X-TTL-Seconds: 0", 400, "invalid_ttl" },
        { "PUT", "/v1/kv/" + Sentinel, "x", "X-TTL-Seconds: -1", 400, "invalid_ttl" },
        { "PUT", "/v1/kv/" + Sentinel, "x", "X-TTL-Seconds: abc", 400, "invalid_ttl" },
        { "PUT", "/v1/kv/" + Sentinel, "x", "X-TTL-Seconds: 1.5", 400, "invalid_ttl" },
        { "PUT", "/v1/kv/" + Sentinel, "x", "X-TTL-Seconds: 99999999999999999999", 400, "invalid_ttl" },
        { "PUT", "/v1/kv/" + Sentinel, "x", "X-TTL-Seconds: 315360001", 400, "invalid_ttl" },
        { "PUT", "/v1/kv/" + Sentinel, "x", "If-None-Match: \"1\"", 400, "invalid_condition" },
        // A malformed If-Match is a bad request, as on gRPC (INVALID_ARGUMENT), not a condition that fails.
        { "PUT", "/v1/kv/" + Sentinel, "x", "If-Match: garbage", 400, "invalid_condition" },
        { "PUT", "/v1/kv/" + Sentinel, "x", "If-Match: \"abc\"", 400, "invalid_condition" },
        { "PUT", "/v1/kv/" + Sentinel, "x", "If-Match: \"-1\"", 400, "invalid_condition" },
        { "DELETE", "/v1/kv/" + Sentinel, null, "If-Match: W/\"nope\"", 400, "invalid_condition" },
        { "PUT", "/v1/kv/" + Sentinel, "x", "Content-Type: text/" + new string('x', 300), 400, "invalid_content_type" },
        { "PUT", "/v1/kv/" + Sentinel, "@v1-oversize", null, 413, "value_too_large" },

        // Listing.
        { "GET", "/v1/keys?limit=0", null, null, 400, "invalid_limit" },
        { "GET", "/v1/keys?limit=5000", null, null, 400, "invalid_limit" },
        { "GET", "/v1/keys?cursor=%%%", null, null, 400, "invalid_cursor" },
        { "GET", "/v1/keys?prefix=" + new string('p', 1025), null, null, 400, "invalid_prefix" },

        // Batch.
        { "POST", "/v1/batch", "@batch-1001", null, 400, "batch_too_large" },
        { "POST", "/v1/batch", """{"op": "put", "key": "k", "value": "v"}""", null, 400, "malformed_json" },
        { "POST", "/v1/batch", "\"ops\"", null, 400, "malformed_json" },
        { "POST", "/v1/batch", """[{"op": "put", "key": "k", "value": "v"},""", null, 400, "malformed_json" },
        { "POST", "/v1/batch", """[{"op": "put", "key": "k", "value": 5}]""", null, 400, "malformed_json" },
        { "POST", "/v1/batch", """[{"op": "put", "key": "k", "value": "v", "ttl_seconds": "5"}]""", null, 400, "malformed_json" },
        { "POST", "/v1/batch", "[]", null, 400, "empty_batch" },
        { "POST", "/v1/batch", "null", null, 400, "empty_batch" },
        { "POST", "/v1/batch", "[null]", null, 400, "malformed_json" },
        { "POST", "/v1/batch", """[{"op": "put", "key": "k", "value": "v"}, {"op": "rename", "key": "k"}]""", null, 400, "invalid_op" },
        { "POST", "/v1/batch", """[{"key": "k"}]""", null, 400, "invalid_op" },
        { "POST", "/v1/batch", """[{"op": "put", "key": "k", "value": "v"}, {"op": "put", "key": ""}]""", null, 400, "invalid_key" },
        { "POST", "/v1/batch", """[{"op": "put", "key": "k", "value": "v"}, {"op": "get"}]""", null, 400, "invalid_key" },
        { "POST", "/v1/batch", "[{\"op\": \"put\", \"key\": \"" + TooLongKey + "\", \"value\": \"v\"}]", null, 400, "invalid_key" },
        { "POST", "/v1/batch", """[{"op": "put", "key": "k"}]""", null, 400, "missing_value" },
        { "POST", "/v1/batch", """[{"op": "put", "key": "k", "value": "v", "value_base64": "dg=="}]""", null, 400, "missing_value" },
        { "POST", "/v1/batch", """[{"op": "put", "key": "k", "value_base64": "not base64!"}]""", null, 400, "invalid_value" },
        { "POST", "/v1/batch", """[{"op": "put", "key": "k", "value": "v", "ttl_seconds": 0}]""", null, 400, "invalid_ttl" },
        { "POST", "/v1/batch", """[{"op": "put", "key": "k", "value": "v", "if_none_match": "\"1\""}]""", null, 400, "invalid_condition" },
        { "POST", "/v1/batch", "@batch-oversize", null, 413, "value_too_large" },
        { "POST", "/v1/batch", "[{\"op\": \"put\", \"key\": \"k\", \"value\": \"v\", \"content_type\": \"text/" + new string('x', 300) + "\"}]", null, 400, "invalid_content_type" },
        { "POST", "/v1/batch", """[{"op": "delete", "key": "sentinel", "if_match": "garbage"}]""", null, 400, "invalid_condition" },

        // Routes and methods.
        { "GET", "/v1/nope", null, null, 404, "unknown_route" },
        { "POST", "/v1/kvs", "x", null, 404, "unknown_route" },
        { "GET", "/v1/kv", null, null, 404, "unknown_route" },
        { "POST", "/v1/kv", "x", null, 405, "method_not_allowed" },
        { "PATCH", "/v1/kv/" + Sentinel, "x", null, 405, "method_not_allowed" },
        { "POST", "/v1/kv/" + Sentinel, "x", null, 405, "method_not_allowed" },
        { "POST", "/v1/keys", "x", null, 405, "method_not_allowed" },
        { "DELETE", "/v1/keys", null, null, 405, "method_not_allowed" },
        { "GET", "/v1/batch", null, null, 405, "method_not_allowed" },
        { "PUT", "/v1/tokens", "{}", null, 405, "method_not_allowed" },
        { "PUT", "/" + Sentinel, """{"value": "x"}""", null, 405, "method_not_allowed" },
        { "PATCH", "/" + Sentinel, """{"value": "x"}""", null, 405, "method_not_allowed" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInputGetsAClearErrorAndChangesNothing(string method, string path, string? body, string? header, int status, string code)
    {
        var token = (await _server.IssueTokenAsync("ns-" + Guid.NewGuid().ToString("N")[..12], ["read", "write"])).GetProperty("token").GetString()!;
        using var client = _server.ClientWith(token);
        using (var sentinel = await client.PutAsync("/v1/kv/" + Sentinel, new StringContent(SentinelValue)))
        {
            Assert.Equal(HttpStatusCode.Created, sentinel.StatusCode);
        }

        using var response = await client.SendAsync(BuildRequest(method, path, body, header));

        if (code == "-")
        {
            Assert.Equal(status, (int)response.StatusCode);
        }
        else
        {
            await RestAssert.ErrorAsync(response, (HttpStatusCode)status, code);
        }

        Assert.Equal([Sentinel], await RestAssert.ListAllAsync(client));
        using var after = await client.GetAsync("/v1/kv/" + Sentinel);
        Assert.Equal(SentinelValue, await after.Content.ReadAsStringAsync());
        Assert.False(after.Headers.Contains("X-Expires-At"), "the failed request must not have set a TTL");
    }

    [Theory]
    [InlineData("PATCH", "/v1/kv/k", "DELETE, GET, HEAD, PUT")]
    [InlineData("POST", "/v1/keys", "GET")]
    [InlineData("GET", "/v1/batch", "POST")]
    [InlineData("PUT", "/v1/tokens/tok_1", "DELETE")]
    [InlineData("PUT", "/k", "DELETE, GET, POST")]
    public async Task AnUnsupportedMethodIs405WithAllowAndAJsonBody(string method, string path, string allow)
    {
        using var client = _server.ClientWith(null);

        using var response = await client.SendAsync(BuildRequest(method, path, method == "GET" ? null : "{}", null));

        await RestAssert.ErrorAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow.Order(StringComparer.Ordinal)));
    }

    [Theory]
    [InlineData("GET", "/v1/kv/%ZZ")]
    [InlineData("PUT", "/v1/kv/%ZZ")]
    [InlineData("GET", "/v1/kv/a%")]
    [InlineData("GET", "/v1/kv/a%2")]
    [InlineData("PUT", "/v1/kv/%C3%28")]
    [InlineData("GET", "/v1/kv/%FF")]
    [InlineData("GET", "/v1/kv/%ED%A0%80")]
    [InlineData("POST", "/%ZZ")]
    [InlineData("POST", "/%C3%28")]
    [InlineData("DELETE", "/%C0%AF")]
    public async Task InvalidPercentEncodingIs400AndChangesNothing(string method, string rawTarget)
    {
        var token = (await _server.IssueTokenAsync("ns-" + Guid.NewGuid().ToString("N")[..12], ["read", "write"])).GetProperty("token").GetString()!;

        var response = await _server.SendRawTargetAsync(method, rawTarget, token, method is "PUT" or "POST" ? """{"value": "x"}""" : null);

        response.AssertError(400, "invalid_key");
        using var client = _server.ClientWith(token);
        Assert.Empty(await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task TheServerSurvivesABurstOfBadRequests()
    {
        using var client = await _server.NewNamespaceClientAsync();
        var cases = Cases().Select(row => (object?[])row).ToList();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 400).Select(async i =>
        {
            var row = cases[i % cases.Count];
            using var response = await client.SendAsync(BuildRequest((string)row[0]!, (string)row[1]!, (string?)row[2], (string?)row[3]));
            return (int)response.StatusCode;
        }));

        Assert.All(statuses, s => Assert.InRange(s, 400, 499));
        using var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var put = await client.PutAsync("/v1/kv/after-burst", new StringContent("fine"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(["after-burst"], await RestAssert.ListAllAsync(client));
    }

    internal static HttpRequestMessage BuildRequest(string method, string path, string? body, string? header)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = body switch
            {
                "@root-oversize" => RestAssert.RootValue(new string('v', KvServerFactory.MaxValueBytes + 1)),
                "@v1-oversize" => new ByteArrayContent(new byte[KvServerFactory.MaxValueBytes + 1]),
                "@batch-1001" => RestAssert.Json(JsonSerializer.Serialize(Enumerable.Range(0, 1001).Select(i => new { op = "put", key = $"k{i}", value = "v" }))),
                "@batch-oversize" => RestAssert.Json(JsonSerializer.Serialize(new[] { new { op = "put", key = "k", value = new string('v', KvServerFactory.MaxValueBytes + 1) } })),
                _ => new StringContent(body, Encoding.UTF8, "application/json"),
            };
        }

        if (header is not null)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (header[..colon], header[(colon + 1)..].Trim());
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }
}
