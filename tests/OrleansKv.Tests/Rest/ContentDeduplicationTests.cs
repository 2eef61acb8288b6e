using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OrleansKv.Tests.Rest;

/// <summary>Content deduplication as clients see it: <c>X-Refs</c> on GET and HEAD, and the same metadata in a batch.</summary>
public sealed class ContentDeduplicationTests(KvServerFactory server) : IClassFixture<KvServerFactory>
{
    [Fact]
    public async Task XRefsCountsTheKeysOfTheNamespaceThatHoldTheSameContent()
    {
        using var client = await server.NewNamespaceClientAsync();
        var body = new string('x', 4096);
        foreach (var key in new[] { "a", "b", "c" })
        {
            (await client.PutAsync("/v1/kv/" + key, new StringContent(body))).EnsureSuccessStatusCode();
        }

        Assert.Equal("3", await RefsAsync(client, "a", HttpMethod.Head));
        Assert.Equal("3", await RefsAsync(client, "c", HttpMethod.Get));

        // An overwrite through one key and a delete through another show on the keys that still hold the content.
        (await client.PutAsync("/v1/kv/a", new StringContent("other"))).EnsureSuccessStatusCode();
        Assert.Equal("2", await RefsAsync(client, "b", HttpMethod.Get));
        Assert.Equal("1", await RefsAsync(client, "a", HttpMethod.Head));
        (await client.DeleteAsync("/v1/kv/c")).EnsureSuccessStatusCode();
        Assert.Equal("1", await RefsAsync(client, "b", HttpMethod.Head));
        using var get = await client.GetAsync("/v1/kv/b");
        Assert.Equal(body, await get.Content.ReadAsStringAsync());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))), get.Headers.GetValues("X-Content-Sha256").Single());
    }

    [Fact]
    public async Task ContentIsNeverCountedAcrossNamespaces()
    {
        using var one = await server.NewNamespaceClientAsync();
        using var two = await server.NewNamespaceClientAsync();
        (await one.PutAsync("/v1/kv/k", new StringContent("shared text"))).EnsureSuccessStatusCode();
        (await two.PutAsync("/v1/kv/k", new StringContent("shared text"))).EnsureSuccessStatusCode();

        Assert.Equal("1", await RefsAsync(one, "k", HttpMethod.Head));
        Assert.Equal("1", await RefsAsync(two, "k", HttpMethod.Head));
    }

    [Fact]
    public async Task ABatchGetCarriesTheContentHashAndItsReferences()
    {
        using var client = await server.NewNamespaceClientAsync();
        using var response = await client.PostAsync("/v1/batch", RestAssert.Json("""
            [{"op": "put", "key": "x", "value": "same"}, {"op": "put", "key": "y", "value": "same"}]
            """));
        response.EnsureSuccessStatusCode();

        using var read = await client.PostAsync("/v1/batch", RestAssert.Json("""[{"op": "get", "key": "x"}]"""));
        var result = (await RestAssert.JsonAsync(read, HttpStatusCode.OK)).GetProperty("results")[0];

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("same"u8)), result.GetProperty("sha256").GetString());
        Assert.Equal(2, result.GetProperty("refs").GetInt64());
    }

    private static async Task<string> RefsAsync(HttpClient client, string key, HttpMethod method)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(method, "/v1/kv/" + key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("X-Refs").Single();
    }
}
