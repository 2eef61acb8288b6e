using System.Net;
using System.Text.Json;

namespace OrleansKv.Tests.Rest;

/// <summary><c>POST /v1/batch</c>: ordered operations, atomic writes, per-operation results.</summary>
public sealed class BatchApiTests : IClassFixture<KvServerFactory>
{
    private readonly KvServerFactory _server;

    public BatchApiTests(KvServerFactory server) => _server = server;

    [Fact]
    public async Task ABatchAppliesItsWritesAndAnswersResultsInOrder()
    {
        using var client = await _server.NewNamespaceClientAsync();
        (await client.PutAsync("/v1/kv/old", new StringContent("x"))).EnsureSuccessStatusCode();

        var body = await BatchAsync(client, HttpStatusCode.OK, """
            [{"op": "put", "key": "a", "value": "1"},
             {"op": "put", "key": "b", "value": "2", "ttl_seconds": 3600},
             {"op": "delete", "key": "old"},
             {"op": "delete", "key": "never"},
             {"op": "get", "key": "missing"}]
            """);

        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["put", "put", "delete", "delete", "get"], results.Select(r => r.GetProperty("op").GetString()));
        Assert.Equal(["a", "b", "old", "never", "missing"], results.Select(r => r.GetProperty("key").GetString()));
        Assert.Equal(["created", "created", "ok", "not_found", "not_found"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.StartsWith("\"", results[0].GetProperty("etag").GetString(), StringComparison.Ordinal);
        Assert.Equal(["a", "b"], await RestAssert.ListAllAsync(client));
        using var b = await client.GetAsync("/v1/kv/b");
        Assert.True(b.Headers.Contains("X-Expires-At"), "the batch put's TTL is applied");
    }

    [Fact]
    public async Task GetsSeeEarlierPutsOfTheSameBatch()
    {
        using var client = await _server.NewNamespaceClientAsync();

        var body = await BatchAsync(client, HttpStatusCode.OK, """
            [{"op": "get", "key": "k"},
             {"op": "put", "key": "k", "value": "new", "content_type": "text/x-note"},
             {"op": "get", "key": "k"},
             {"op": "delete", "key": "k"},
             {"op": "get", "key": "k"},
             {"op": "put", "key": "k", "value": "final"}]
            """);

        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal("not_found", results[0].GetProperty("status").GetString());
        Assert.Equal("ok", results[2].GetProperty("status").GetString());
        Assert.Equal("new", results[2].GetProperty("value").GetString());
        Assert.Equal("text/x-note", results[2].GetProperty("content_type").GetString());
        Assert.Equal("not_found", results[4].GetProperty("status").GetString());
        Assert.Equal("final", await (await client.GetAsync("/v1/kv/k")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AFailingConditionAppliesNothingAndAnswers412WithPerOperationResults()
    {
        using var client = await _server.NewNamespaceClientAsync();
        using var existing = await client.PutAsync("/v1/kv/existing", new StringContent("before"));
        var etag = existing.Headers.ETag!.ToString();
        (await client.PutAsync("/v1/kv/existing", new StringContent("current"))).EnsureSuccessStatusCode();

        var ops = JsonSerializer.Serialize(new object[]
        {
            new { op = "put", key = "fresh", value = "1" },
            new { op = "delete", key = "existing" },
            new { op = "get", key = "existing" },
            new { op = "put", key = "existing", value = "stale write", if_match = etag },
            new { op = "put", key = "other", value = "2" },
        });
        var body = await BatchAsync(client, HttpStatusCode.PreconditionFailed, ops);

        Assert.False(body.GetProperty("applied").GetBoolean());
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(5, results.Count);
        Assert.Equal(["aborted", "aborted", "ok", "precondition_failed", "aborted"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal("current", results[2].GetProperty("value").GetString());
        Assert.Equal(["existing"], await RestAssert.ListAllAsync(client));
        Assert.Equal("current", await (await client.GetAsync("/v1/kv/existing")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BatchConditionsUseETagsAndIfNoneMatch()
    {
        using var client = await _server.NewNamespaceClientAsync();
        using var put = await client.PutAsync("/v1/kv/k", new StringContent("v1"));
        var etag = put.Headers.ETag!.ToString();

        var body = await BatchAsync(client, HttpStatusCode.OK, JsonSerializer.Serialize(new object[]
        {
            new { op = "put", key = "k", value = "v2", if_match = etag },
            new { op = "put", key = "new", value = "n", if_none_match = "*" },
        }));
        Assert.Equal(["ok", "created"], body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetString()));

        var conflict = await BatchAsync(client, HttpStatusCode.PreconditionFailed, """[{"op": "put", "key": "new", "value": "again", "if_none_match": "*"}]""");
        Assert.Equal("precondition_failed", conflict.GetProperty("results")[0].GetProperty("status").GetString());
        Assert.Equal("n", await (await client.GetAsync("/v1/kv/new")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BinaryValuesTravelAsBase64()
    {
        using var client = await _server.NewNamespaceClientAsync();
        byte[] value = [0xff, 0x00, 0xc3, 0x28];

        var body = await BatchAsync(client, HttpStatusCode.OK, JsonSerializer.Serialize(new object[]
        {
            new { op = "put", key = "bin", value_base64 = Convert.ToBase64String(value) },
            new { op = "get", key = "bin" },
        }));

        var get = body.GetProperty("results")[1];
        Assert.Equal(Convert.ToBase64String(value), get.GetProperty("value_base64").GetString());
        Assert.False(get.TryGetProperty("value", out _));
        Assert.Equal(value, await (await client.GetAsync("/v1/kv/bin")).Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ABatchOf1000OperationsIsAccepted()
    {
        using var client = await _server.NewNamespaceClientAsync();
        var ops = Enumerable.Range(0, 1000).Select(i => new { op = "put", key = $"k{i:D4}", value = "v" });

        var body = await BatchAsync(client, HttpStatusCode.OK, JsonSerializer.Serialize(ops));

        Assert.Equal(1000, body.GetProperty("results").GetArrayLength());
        Assert.Equal(1000, (await RestAssert.ListAllAsync(client)).Count);
    }

    [Fact]
    public async Task AReadOnlyTokenMayBatchReadsButNotWrites()
    {
        var ns = "ns-" + Guid.NewGuid().ToString("N")[..12];
        using var writer = _server.ClientWith((await _server.IssueTokenAsync(ns, ["read", "write"])).GetProperty("token").GetString());
        using var reader = _server.ClientWith((await _server.IssueTokenAsync(ns, ["read"])).GetProperty("token").GetString());
        (await writer.PutAsync("/v1/kv/k", new StringContent("v"))).EnsureSuccessStatusCode();

        var read = await BatchAsync(reader, HttpStatusCode.OK, """[{"op": "get", "key": "k"}]""");
        Assert.Equal("v", read.GetProperty("results")[0].GetProperty("value").GetString());

        using var write = await reader.PostAsync("/v1/batch", RestAssert.Json("""[{"op": "get", "key": "k"}, {"op": "delete", "key": "k"}]"""));
        await RestAssert.ErrorAsync(write, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(["k"], await RestAssert.ListAllAsync(writer));
    }

    private static async Task<JsonElement> BatchAsync(HttpClient client, HttpStatusCode status, string json)
    {
        using var response = await client.PostAsync("/v1/batch", RestAssert.Json(json));
        return await RestAssert.JsonAsync(response, status);
    }
}
