using System.Net;
using System.Net.Http.Headers;

namespace OrleansKv.Tests.Rest;

/// <summary>Health routes need no credential; every other route answers 401 with a Bearer challenge without one.</summary>
public sealed class AuthAndHealthTests : IClassFixture<KvServerFactory>
{
    private readonly KvServerFactory _server;

    public AuthAndHealthTests(KvServerFactory server) => _server = server;

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/livez")]
    public async Task HealthRoutesAnswer200WithoutACredential(string path)
    {
        using var client = _server.ClientWith(null);

        using var response = await client.GetAsync(path);

        var body = await RestAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(path == "/livez" ? "alive" : "ok", path == "/livez" ? body.GetProperty("message").GetString() : body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task HealthzDescribesTheSiloAndItsStorage()
    {
        using var client = _server.ClientWith(null);

        using var response = await client.GetAsync("/healthz");

        var body = await RestAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("ok", body.GetProperty("storage").GetString());
        Assert.Equal("embedded", body.GetProperty("mode").GetString());
        Assert.Equal("Active", body.GetProperty("silo_status").GetString());
        Assert.Equal(1, body.GetProperty("cluster_size").GetInt32());
    }

    public static TheoryData<string, string> ProtectedRoutes() => new()
    {
        { "GET", "/k" },
        { "POST", "/k" },
        { "DELETE", "/k" },
        { "GET", "/v1/kv/k" },
        { "HEAD", "/v1/kv/k" },
        { "PUT", "/v1/kv/k" },
        { "DELETE", "/v1/kv/k" },
        { "GET", "/v1/keys" },
        { "POST", "/v1/batch" },
        { "GET", "/v1/tokens" },
        { "POST", "/v1/tokens" },
        { "DELETE", "/v1/tokens/tok_000000000000" },
    };

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task AMissingCredentialIs401WithABearerChallenge(string method, string path)
    {
        using var client = _server.ClientWith(null);

        using var response = await client.SendAsync(Request(method, path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        if (method != "HEAD")
        {
            await RestAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        }
    }

    [Theory]
    [InlineData("Bearer not-a-known-token")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("bootstrap-token-alpha")]
    [InlineData("Bearer a.b.c")]
    public async Task ABadCredentialIs401WithABearerChallenge(string authorization)
    {
        using var client = _server.ClientWith(null);
        using var request = Request("GET", "/v1/keys");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await client.SendAsync(request);

        await RestAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheBearerSchemeIsCaseInsensitive()
    {
        using var client = _server.ClientWith(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("bearer", KvServerFactory.TokenA);

        using var response = await client.GetAsync("/v1/keys");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AnUnauthenticatedWriteChangesNothing()
    {
        using var anonymous = _server.ClientWith(null);
        using var owner = _server.ClientWith(KvServerFactory.TokenA);
        var key = "anon-" + Guid.NewGuid().ToString("N");

        using var response = await anonymous.PostAsync("/" + key, RestAssert.RootValue("v"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(await RestAssert.RootGetAsync(owner, key));
    }

    internal static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = RestAssert.Json("{}");
        }

        return request;
    }
}
