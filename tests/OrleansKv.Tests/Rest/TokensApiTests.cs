using System.Net;
using System.Text.Json;
using OrleansKv.Server.Auth;

namespace OrleansKv.Tests.Rest;

/// <summary><c>/v1/tokens</c>: issue, list and revoke; issued tokens authenticate until revoked or expired.</summary>
public sealed class TokensApiTests : IClassFixture<KvServerFactory>
{
    private readonly KvServerFactory _server;

    public TokensApiTests(KvServerFactory server) => _server = server;

    private static string NewNamespace() => "ns-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task TheAdminIssuesATokenThatReadsAndWritesItsNamespace()
    {
        var ns = NewNamespace();
        using var admin = _server.ClientWith(KvServerFactory.AdminToken);

        using var response = await admin.PostAsync("/v1/tokens", RestAssert.Json($$"""{"namespace": "{{ns}}", "scopes": ["read", "write"]}"""));
        var issued = await RestAssert.JsonAsync(response, HttpStatusCode.Created);

        Assert.StartsWith("tok_", issued.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(ns, issued.GetProperty("namespace").GetString());
        Assert.Equal(["read", "write"], issued.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(JsonValueKind.Null, issued.GetProperty("expires_at").ValueKind);
        using var client = _server.ClientWith(issued.GetProperty("token").GetString());
        (await client.PostAsync("/k", RestAssert.RootValue("v"))).EnsureSuccessStatusCode();
        Assert.Equal("v", await RestAssert.RootGetAsync(client, "k"));
    }

    [Fact]
    public async Task TwoTokensOfOneNamespaceShareItsKeys()
    {
        var ns = NewNamespace();
        using var first = _server.ClientWith((await _server.IssueTokenAsync(ns, ["read", "write"])).GetProperty("token").GetString());
        using var second = _server.ClientWith((await _server.IssueTokenAsync(ns, ["read"])).GetProperty("token").GetString());

        (await first.PostAsync("/shared", RestAssert.RootValue("v"))).EnsureSuccessStatusCode();

        Assert.Equal("v", await RestAssert.RootGetAsync(second, "shared"));
    }

    [Fact]
    public async Task AReadOnlyTokenGets403OnEveryWrite()
    {
        var ns = NewNamespace();
        using var reader = _server.ClientWith((await _server.IssueTokenAsync(ns, ["read"])).GetProperty("token").GetString());

        await RestAssert.ErrorAsync(await reader.PostAsync("/k", RestAssert.RootValue("v")), HttpStatusCode.Forbidden, "forbidden");
        await RestAssert.ErrorAsync(await reader.DeleteAsync("/k"), HttpStatusCode.Forbidden, "forbidden");
        await RestAssert.ErrorAsync(await reader.PutAsync("/v1/kv/k", new StringContent("v")), HttpStatusCode.Forbidden, "forbidden");
        await RestAssert.ErrorAsync(await reader.DeleteAsync("/v1/kv/k"), HttpStatusCode.Forbidden, "forbidden");
        await RestAssert.ErrorAsync(await reader.PostAsync("/v1/tokens", RestAssert.Json($$"""{"namespace": "{{ns}}"}""")), HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(await RestAssert.ListAllAsync(reader));
    }

    [Fact]
    public async Task AWriteOnlyTokenCannotRead()
    {
        using var writer = _server.ClientWith((await _server.IssueTokenAsync(NewNamespace(), ["write"])).GetProperty("token").GetString());

        (await writer.PutAsync("/v1/kv/k", new StringContent("v"))).EnsureSuccessStatusCode();

        await RestAssert.ErrorAsync(await writer.GetAsync("/v1/kv/k"), HttpStatusCode.Forbidden, "forbidden");
        await RestAssert.ErrorAsync(await writer.GetAsync("/v1/keys"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task ListingShowsTokensButNeverTheTokenOrItsHash()
    {
        var ns = NewNamespace();
        var issued = await _server.IssueTokenAsync(ns, ["read"], ttlSeconds: 3600);
        var token = issued.GetProperty("token").GetString()!;
        using var admin = _server.ClientWith(KvServerFactory.AdminToken);

        using var response = await admin.GetAsync("/v1/tokens");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var listed = JsonDocument.Parse(text).RootElement.GetProperty("tokens").EnumerateArray().Single(t => t.GetProperty("id").GetString() == issued.GetProperty("id").GetString());
        Assert.Equal(ns, listed.GetProperty("namespace").GetString());
        Assert.Equal(["read"], listed.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(issued.GetProperty("expires_at").GetDateTimeOffset(), listed.GetProperty("expires_at").GetDateTimeOffset());
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(TokenHashing.Hash(token), text, StringComparison.Ordinal);
        Assert.DoesNotContain(KvServerFactory.TokenA, text, StringComparison.Ordinal);
        Assert.DoesNotContain(KvServerFactory.AdminToken, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevokedTokenStopsWorkingAtOnce()
    {
        var issued = await _server.IssueTokenAsync(NewNamespace(), ["read", "write"]);
        using var client = _server.ClientWith(issued.GetProperty("token").GetString());
        using var admin = _server.ClientWith(KvServerFactory.AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/keys")).StatusCode);

        using var revoke = await admin.DeleteAsync("/v1/tokens/" + issued.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);

        using var after = await client.GetAsync("/v1/keys");
        await RestAssert.ErrorAsync(after, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.StartsWith("Bearer", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        using var again = await admin.DeleteAsync("/v1/tokens/" + issued.GetProperty("id").GetString());
        await RestAssert.ErrorAsync(again, HttpStatusCode.NotFound, "not_found");
        using var list = await admin.GetAsync("/v1/tokens");
        Assert.DoesNotContain(issued.GetProperty("id").GetString()!, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredTokenStopsWorkingWhenItExpires()
    {
        var issued = await _server.IssueTokenAsync(NewNamespace(), ["read"], ttlSeconds: 1);
        var expiresAt = issued.GetProperty("expires_at").GetDateTimeOffset();
        using var client = _server.ClientWith(issued.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/keys")).StatusCode);

        // Waiting for wall-clock time to pass is the point here; the token must not outlive its expiry in a cache.
        var wait = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        using var after = await client.GetAsync("/v1/keys");
        await RestAssert.ErrorAsync(after, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task ANamespaceAdminTokenManagesOnlyItsOwnNamespace()
    {
        var own = NewNamespace();
        var other = NewNamespace();
        var nsAdmin = await _server.IssueTokenAsync(own, ["admin"]);
        var otherToken = await _server.IssueTokenAsync(other, ["read"]);
        using var client = _server.ClientWith(nsAdmin.GetProperty("token").GetString());

        using var forOwn = await client.PostAsync("/v1/tokens", RestAssert.Json("""{"scopes": ["read"]}"""));
        var ownToken = await RestAssert.JsonAsync(forOwn, HttpStatusCode.Created);
        Assert.Equal(own, ownToken.GetProperty("namespace").GetString());

        using var forOther = await client.PostAsync("/v1/tokens", RestAssert.Json($$"""{"namespace": "{{other}}", "scopes": ["read"]}"""));
        await RestAssert.ErrorAsync(forOther, HttpStatusCode.Forbidden, "forbidden");

        using var list = await client.GetAsync("/v1/tokens");
        var namespaces = (await RestAssert.JsonAsync(list, HttpStatusCode.OK)).GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("namespace").GetString()).ToList();
        Assert.NotEmpty(namespaces);
        Assert.All(namespaces, ns => Assert.Equal(own, ns));

        using var revokeOther = await client.DeleteAsync("/v1/tokens/" + otherToken.GetProperty("id").GetString());
        await RestAssert.ErrorAsync(revokeOther, HttpStatusCode.NotFound, "not_found");
        using var otherClient = _server.ClientWith(otherToken.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await otherClient.GetAsync("/v1/keys")).StatusCode);

        using var revokeOwn = await client.DeleteAsync("/v1/tokens/" + ownToken.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NoContent, revokeOwn.StatusCode);

        // The admin scope alone does not read keys.
        await RestAssert.ErrorAsync(await client.GetAsync("/v1/keys"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task KeyTokensAndTheAdminTokenStayInTheirLanes()
    {
        using var bootstrap = _server.ClientWith(KvServerFactory.TokenA);
        using var admin = _server.ClientWith(KvServerFactory.AdminToken);

        await RestAssert.ErrorAsync(await bootstrap.GetAsync("/v1/tokens"), HttpStatusCode.Forbidden, "forbidden");
        await RestAssert.ErrorAsync(await bootstrap.PostAsync("/v1/tokens", RestAssert.Json("""{"namespace": "x1"}""")), HttpStatusCode.Forbidden, "forbidden");
        await RestAssert.ErrorAsync(await admin.GetAsync("/v1/keys"), HttpStatusCode.Forbidden, "forbidden");
        await RestAssert.ErrorAsync(await admin.PostAsync("/k", RestAssert.RootValue("v")), HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("""{"scopes": ["read"]}""", "invalid_namespace")]
    [InlineData("""{"namespace": "_system", "scopes": ["read"]}""", "invalid_namespace")]
    [InlineData("""{"namespace": "../x", "scopes": ["read"]}""", "invalid_namespace")]
    [InlineData("""{"namespace": "ok1", "scopes": []}""", "invalid_scopes")]
    [InlineData("""{"namespace": "ok1", "scopes": ["root"]}""", "invalid_scopes")]
    [InlineData("""{"namespace": "ok1", "scopes": [null]}""", "invalid_scopes")]
    [InlineData("""{"namespace": "ok1", "scopes": ["read", "bogus"]}""", "invalid_scopes")]
    [InlineData("""{"namespace": "ok1", "scopes": ["read"], "ttl_seconds": 0}""", "invalid_ttl")]
    [InlineData("""{"namespace": "ok1", "scopes": ["read"], "ttl_seconds": "60"}""", "malformed_json")]
    [InlineData("""{"namespace": 5}""", "malformed_json")]
    [InlineData("""[]""", "malformed_json")]
    [InlineData("""null""", "malformed_json")]
    [InlineData("""{"namespace": """, "malformed_json")]
    public async Task ABadIssueRequestIs400(string body, string code)
    {
        using var admin = _server.ClientWith(KvServerFactory.AdminToken);

        using var response = await admin.PostAsync("/v1/tokens", RestAssert.Json(body));

        await RestAssert.ErrorAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task ANullIssueRequestFromANamespaceAdminIs400()
    {
        var nsAdmin = await _server.IssueTokenAsync(NewNamespace(), ["admin"]);
        using var client = _server.ClientWith(nsAdmin.GetProperty("token").GetString());

        using var response = await client.PostAsync("/v1/tokens", RestAssert.Json("null"));

        await RestAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "malformed_json");
    }

    [Theory]
    [InlineData("tok_000000000000")]
    [InlineData("nope")]
    [InlineData("tok_%2F..%2F")]
    public async Task RevokingAnUnknownIdIs404(string id)
    {
        using var admin = _server.ClientWith(KvServerFactory.AdminToken);

        using var response = await admin.DeleteAsync("/v1/tokens/" + id);

        await RestAssert.ErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }
}
