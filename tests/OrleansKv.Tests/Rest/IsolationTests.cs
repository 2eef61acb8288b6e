using System.Net;
using System.Text;
using System.Text.Json;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Rest;

namespace OrleansKv.Tests.Rest;

/// <summary>
/// DESIGN guarantee 6: a token reaches exactly one namespace. Two bootstrap tokens (two namespaces) never see
/// each other's keys through get, list, cursors, batch or key-encoding tricks.
/// </summary>
public sealed class IsolationTests : IClassFixture<KvServerFactory>
{
    private readonly KvServerFactory _server;

    public IsolationTests(KvServerFactory server) => _server = server;

    private static string NamespaceA => TokenHashing.BootstrapNamespace(KvServerFactory.TokenA);

    [Fact]
    public async Task KeysOfOneTokenAreInvisibleToAnother()
    {
        using var a = _server.ClientWith(KvServerFactory.TokenA);
        using var b = _server.ClientWith(KvServerFactory.TokenB);
        var p = "iso-" + Guid.NewGuid().ToString("N")[..8];
        (await a.PostAsync($"/{p}/root", RestAssert.RootValue("secret-root"))).EnsureSuccessStatusCode();
        (await a.PutAsync($"/v1/kv/{p}/v1", new StringContent("secret-v1"))).EnsureSuccessStatusCode();
        (await a.PostAsync("/v1/batch", RestAssert.Json($$"""[{"op": "put", "key": "{{p}}/batch", "value": "secret-batch"}]"""))).EnsureSuccessStatusCode();

        foreach (var key in new[] { "root", "v1", "batch" })
        {
            Assert.Null(await RestAssert.RootGetAsync(b, $"{p}/{key}"));
            Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/v1/kv/{p}/{key}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await b.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v1/kv/{p}/{key}"))).StatusCode);
        }

        Assert.DoesNotContain(await RestAssert.ListAllAsync(b), k => k.StartsWith(p, StringComparison.Ordinal));
        Assert.Empty(await RestAssert.ListAllAsync(b, p));
        using var batch = await b.PostAsync("/v1/batch", RestAssert.Json($$"""[{"op": "get", "key": "{{p}}/root"}, {"op": "get", "key": "{{p}}/v1"}]"""));
        var results = (await RestAssert.JsonAsync(batch, HttpStatusCode.OK)).GetProperty("results").EnumerateArray();
        Assert.All(results, r => Assert.Equal("not_found", r.GetProperty("status").GetString()));

        // B's writes and deletes of the same names touch only B's namespace.
        Assert.Equal(HttpStatusCode.NotFound, (await b.DeleteAsync($"/v1/kv/{p}/v1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.DeleteAsync($"/{p}/root")).StatusCode);
        using var create = new HttpRequestMessage(HttpMethod.Put, $"/v1/kv/{p}/batch") { Content = new StringContent("b's own") };
        create.Headers.TryAddWithoutValidation("If-None-Match", "*");
        Assert.Equal(HttpStatusCode.Created, (await b.SendAsync(create)).StatusCode);

        Assert.Equal("secret-root", await RestAssert.RootGetAsync(a, $"{p}/root"));
        Assert.Equal("secret-v1", await (await a.GetAsync($"/v1/kv/{p}/v1")).Content.ReadAsStringAsync());
        Assert.Equal("secret-batch", await (await a.GetAsync($"/v1/kv/{p}/batch")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ForgedCursorsStayInsideTheCallersNamespace()
    {
        using var a = _server.ClientWith(KvServerFactory.TokenA);
        using var b = _server.ClientWith(KvServerFactory.TokenB);
        var p = "cur-" + Guid.NewGuid().ToString("N")[..8];
        await KeysApiTests.PutAllAsync(a, [$"{p}/a1", $"{p}/a2", $"{p}/a3"]);
        await KeysApiTests.PutAllAsync(b, [$"{p}/b1"]);
        using var aPage = await a.GetAsync($"/v1/keys?prefix={p}&limit=1");
        var aCursor = (await RestAssert.JsonAsync(aPage, HttpStatusCode.OK)).GetProperty("next_cursor").GetString()!;

        string[] cursors =
        [
            aCursor,
            KeysApi.EncodeCursor(p),
            KeysApi.EncodeCursor(NamespaceA),
            KeysApi.EncodeCursor(NamespaceA + "/" + p),
            KeysApi.EncodeCursor("\0"),
            KeysApi.EncodeCursor("../" + NamespaceA + "/"),
        ];
        foreach (var cursor in cursors)
        {
            foreach (var prefix in new[] { string.Empty, p, NamespaceA, "../" })
            {
                using var response = await b.GetAsync($"/v1/keys?limit=1000&prefix={Uri.EscapeDataString(prefix)}&cursor={Uri.EscapeDataString(cursor)}");
                var keys = (await RestAssert.JsonAsync(response, HttpStatusCode.OK)).GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("key").GetString()!);
                Assert.DoesNotContain(keys, k => k.StartsWith(p + "/a", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task NamespaceLikeKeysStayInsideTheCallersNamespace()
    {
        using var a = _server.ClientWith(KvServerFactory.TokenA);
        using var b = _server.ClientWith(KvServerFactory.TokenB);
        var marker = Guid.NewGuid().ToString("N")[..8];
        (await a.PutAsync($"/v1/kv/{marker}", new StringContent("a's value"))).EnsureSuccessStatusCode();
        string[] tricks =
        [
            $"{NamespaceA}/{marker}",
            $"{NamespaceA}:{marker}",
            $"../{NamespaceA}/{marker}",
            $"_system/{marker}",
            $"tokens/h/{TokenHashing.Hash(KvServerFactory.TokenA)}",
            $"tokens/h/{TokenHashing.Hash(KvServerFactory.AdminToken)}",
        ];

        foreach (var key in tricks)
        {
            using var get = await b.GetAsync("/v1/kv/" + Uri.EscapeDataString(key));
            await RestAssert.ErrorAsync(get, HttpStatusCode.NotFound, "not_found");
            using var put = await b.PutAsync("/v1/kv/" + Uri.EscapeDataString(key), new StringContent("b's value"));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // NUL cannot travel in a URL path through every stack; a batch carries it in JSON.
        var nulKey = $"{NamespaceA}\0{marker}";
        using (var nul = await b.PostAsync("/v1/batch", RestAssert.Json(JsonSerializer.Serialize(new[] { new { op = "put", key = nulKey, value = "b's value" }, new { op = "put", key = $"\0{marker}", value = "b's value" } }))))
        {
            await RestAssert.JsonAsync(nul, HttpStatusCode.OK);
        }

        tricks = [.. tricks, nulKey, $"\0{marker}"];
        Assert.Equal("a's value", await (await a.GetAsync($"/v1/kv/{marker}")).Content.ReadAsStringAsync());
        var aKeys = await RestAssert.ListAllAsync(a);
        Assert.DoesNotContain(aKeys, k => tricks.Contains(k));
        var bKeys = await RestAssert.ListAllAsync(b);
        Assert.All(tricks, t => Assert.Contains(t, bKeys));
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/v1/keys")).StatusCode);
    }

    [Fact]
    public async Task AForgedTokenRecordInAUserNamespaceDoesNotAuthenticate()
    {
        using var b = _server.ClientWith(KvServerFactory.TokenB);
        var forged = "forged-" + Guid.NewGuid().ToString("N");
        var record = JsonSerializer.Serialize(new
        {
            id = "tok_000000000001",
            @namespace = TokenHashing.BootstrapNamespace(KvServerFactory.TokenA),
            scopes = new[] { "read", "write", "admin" },
            hash = TokenHashing.Hash(forged),
            created_at = DateTimeOffset.UtcNow,
            expires_at = (DateTimeOffset?)null,
        });
        using var content = new StringContent(record, Encoding.UTF8, "application/json");
        (await b.PutAsync("/v1/kv/" + Uri.EscapeDataString("tokens/h/" + TokenHashing.Hash(forged)), content)).EnsureSuccessStatusCode();
        (await b.PutAsync("/v1/kv/" + Uri.EscapeDataString("_system/tokens/h/" + TokenHashing.Hash(forged)), new StringContent(record))).EnsureSuccessStatusCode();

        using var attacker = _server.ClientWith(forged);
        using var response = await attacker.GetAsync("/v1/keys");

        await RestAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [InlineData("GET", "/v1/kv/a/../b", "/v1/kv/b")]
    [InlineData("PUT", "/v1/kv/a/../b", "/v1/kv/b")]
    [InlineData("DELETE", "/v1/kv/a/../b", "/v1/kv/b")]
    [InlineData("GET", "/v1/kv/a/%2E%2E/b", "/v1/kv/b")]
    [InlineData("PUT", "/v1/kv/./k", "/v1/kv/k")]
    [InlineData("PUT", "/x/../v1/kv/k", "/v1/kv/k")]
    [InlineData("POST", "/v1/kv/../../x", "/x")]
    [InlineData("POST", "/../k", "/k")]
    [InlineData("DELETE", "/a/%2e%2e/k", "/k")]
    public async Task DotSegmentsInAKeyPathAre400RatherThanAKeyOtherThanTheRoutedOne(string method, string rawTarget, string routedPath)
    {
        var token = (await _server.IssueTokenAsync("ns-" + Guid.NewGuid().ToString("N")[..12], ["read", "write"])).GetProperty("token").GetString()!;

        var response = await _server.SendRawTargetAsync(method, rawTarget, token, method is "PUT" or "POST" ? """{"value": "x"}""" : null, routedPath);

        response.AssertError(400, "invalid_key");
        using var client = _server.ClientWith(token);
        Assert.Empty(await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task EncodedSlashesKeepDotsInsideOneKey()
    {
        using var client = await _server.NewNamespaceClientAsync();

        using var put = await client.PutAsync("/v1/kv/a%2F..%2Fb", new StringContent("x"));

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(["a/../b"], await RestAssert.ListAllAsync(client));
    }

    [Fact]
    public async Task KeysAtTheLengthLimitWorkAndLongerOnesAreRejected()
    {
        using var b = _server.ClientWith(KvServerFactory.TokenB);
        var atLimit = new string('k', 1024);
        var multiByte = string.Concat(Enumerable.Repeat("\u00e9", 512));

        Assert.Equal(HttpStatusCode.Created, (await b.PutAsync("/v1/kv/" + atLimit, new StringContent("x"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await b.PutAsync("/v1/kv/" + Uri.EscapeDataString(multiByte), new StringContent("x"))).StatusCode);
        await RestAssert.ErrorAsync(await b.PutAsync("/v1/kv/" + atLimit + "k", new StringContent("x")), HttpStatusCode.BadRequest, "invalid_key");
        await RestAssert.ErrorAsync(await b.PutAsync("/v1/kv/" + Uri.EscapeDataString(multiByte + "a"), new StringContent("x")), HttpStatusCode.BadRequest, "invalid_key");
        await RestAssert.ErrorAsync(await b.PostAsync("/" + new string('r', 2000), RestAssert.RootValue("x")), HttpStatusCode.BadRequest, "invalid_key");

        var keys = await RestAssert.ListAllAsync(b);
        Assert.Contains(atLimit, keys);
        Assert.Contains(multiByte, keys);
        Assert.DoesNotContain(keys, k => Encoding.UTF8.GetByteCount(k) > 1024);
    }
}
