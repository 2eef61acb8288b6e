using System.Net;
using System.Text;
using OrleansKv.Client;
using OrleansKv.Tests.GrpcApi;

namespace OrleansKv.Tests.Jwt;

/// <summary>
/// JWT bearer credentials minted in the tests, each checked on REST (<c>GET /v1/kv/...</c>) and gRPC (Get): a valid
/// token reaches its namespace (404 / NOT_FOUND for an absent key), an invalid one is 401 / UNAUTHENTICATED.
/// </summary>
[Collection(KvServerCollection.Name)]
public sealed class JwtAuthTests(KvServerFixture fixture)
{
    private JwtTestKeys Keys => fixture.Keys;

    public static TheoryData<string> Rejected =>
    [
        "expired", "not-yet-valid", "no-exp", "wrong-hs-key", "wrong-rs-key", "wrong-audience", "wrong-issuer", "no-audience",
        "alg-none", "hs-signed-with-rsa-public-key", "es-on-rsa-server", "missing-ns", "bad-ns", "dotted-ns", "numeric-ns", "malformed",
    ];

    private string Make(string kind)
    {
        var now = DateTime.UtcNow;
        var ns = fixture.Namespace;
        return kind switch
        {
            "hs256" => JwtTestKeys.Mint(Keys.Hs256, ns),
            "rs256" => JwtTestKeys.Mint(Keys.Rs256, ns),
            "expired" => JwtTestKeys.Mint(Keys.Hs256, ns, notBefore: now.AddHours(-2), expires: now.AddMinutes(-5)),
            "not-yet-valid" => JwtTestKeys.Mint(Keys.Hs256, ns, notBefore: now.AddMinutes(5), expires: now.AddMinutes(10)),
            "no-exp" => JwtTestKeys.Mint(Keys.Hs256, ns, withExpiry: false),
            "wrong-hs-key" => JwtTestKeys.Mint(JwtTestKeys.Hs256With(Encoding.UTF8.GetBytes(new string('x', 48))), ns),
            "wrong-rs-key" => MintWithOtherRsaKey(ns),
            "wrong-audience" => JwtTestKeys.Mint(Keys.Hs256, ns, audience: "someone-else"),
            "wrong-issuer" => JwtTestKeys.Mint(Keys.Hs256, ns, issuer: "https://evil.test"),
            "no-audience" => JwtTestKeys.Mint(Keys.Hs256, ns, audience: null),
            "alg-none" => JwtTestKeys.Unsigned(ns),
            "hs-signed-with-rsa-public-key" => JwtTestKeys.Mint(JwtTestKeys.Hs256With(Encoding.UTF8.GetBytes(Keys.RsaPublicPem)), ns),
            "es-on-rsa-server" => JwtTestKeys.Mint(Keys.Es256, ns),
            "missing-ns" => JwtTestKeys.Mint(Keys.Hs256, ns: null),
            "bad-ns" => JwtTestKeys.Mint(Keys.Hs256, ns: "no spaces/allowed"),
            "dotted-ns" => JwtTestKeys.Mint(Keys.Hs256, ns: "../" + ns),
            "numeric-ns" => NumericNs(),
            "malformed" => "eyJhbGciOiJIUzI1NiJ9.not-json.sig",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    [Theory]
    [InlineData("hs256")]
    [InlineData("rs256")]
    public async Task AValidJwtReachesItsNamespaceOverRestAndGrpc(string kind)
    {
        var jwt = Make(kind);
        var key = $"jwt/{Guid.NewGuid():N}";
        await using (var owner = fixture.Client())
        {
            await owner.SetAsync(key, "seen");
        }

        Assert.Equal(HttpStatusCode.OK, await RestGetAsync(fixture.Host, jwt, key));
        await using var client = fixture.Client(jwt);
        Assert.Equal("seen", (await client.GetAsync(key)).ValueAsString());
        Assert.True((await client.SetAsync(key + "/w", "by jwt")).Created);
    }

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task AnInvalidJwtIsRejectedOverRestAndGrpc(string kind)
    {
        var jwt = Make(kind);

        Assert.Equal(HttpStatusCode.Unauthorized, await RestGetAsync(fixture.Host, jwt, "jwt/any"));
        await using var client = fixture.Client(jwt);
        await Assert.ThrowsAsync<KvUnauthenticatedException>(() => client.GetAsync("jwt/any"));
        await Assert.ThrowsAsync<KvUnauthenticatedException>(() => client.SetAsync("jwt/any", "v"));
    }

    [Fact]
    public async Task ScopesOfTheJwtLimitWhatItMayDo()
    {
        var readOnly = JwtTestKeys.Mint(Keys.Hs256, fixture.Namespace, scope: "read");
        var none = JwtTestKeys.Mint(Keys.Hs256, fixture.Namespace, scope: null);
        await using var reader = fixture.Client(readOnly);
        await using var nothing = fixture.Client(none);

        await Assert.ThrowsAsync<KvNotFoundException>(() => reader.GetAsync($"jwt/{Guid.NewGuid():N}"));
        await Assert.ThrowsAsync<KvPermissionDeniedException>(() => reader.SetAsync("jwt/k", "v"));
        await Assert.ThrowsAsync<KvPermissionDeniedException>(() => nothing.GetAsync("jwt/k"));
        Assert.Equal(HttpStatusCode.Forbidden, await RestPutAsync(fixture.Host, readOnly, "jwt/k"));
    }

    [Fact]
    public async Task AJwtReachesOnlyItsOwnNamespace()
    {
        var key = $"jwt/{Guid.NewGuid():N}";
        await using (var owner = fixture.Client())
        {
            await owner.SetAsync(key, "private");
        }

        await using var stranger = fixture.Client(JwtTestKeys.Mint(Keys.Hs256, "another-namespace"));

        await Assert.ThrowsAsync<KvNotFoundException>(() => stranger.GetAsync(key));
    }

    internal static async Task<HttpStatusCode> RestGetAsync(KvServerHost host, string credential, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/kv/" + key);
        request.Headers.Authorization = new("Bearer", credential);
        using var response = await host.Rest.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.First().Scheme);
        }

        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> RestPutAsync(KvServerHost host, string credential, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/kv/" + key) { Content = new ByteArrayContent([1]) };
        request.Headers.Authorization = new("Bearer", credential);
        using var response = await host.Rest.SendAsync(request);
        return response.StatusCode;
    }

    private static string MintWithOtherRsaKey(string ns)
    {
        using var other = System.Security.Cryptography.RSA.Create(2048);
        return JwtTestKeys.Mint(new(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(other), "RS256"), ns);
    }

    private string NumericNs()
    {
        var exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        var payload = $"{{\"ns\":42,\"scope\":\"read\",\"iss\":\"{JwtTestKeys.Issuer}\",\"aud\":\"{JwtTestKeys.Audience}\",\"exp\":{exp}}}";
        var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler();
        return handler.CreateToken(payload, Keys.Hs256);
    }
}

/// <summary>A server with only an EC key: ES256 works, HS256 and RS256 tokens find no key.</summary>
[Collection(KvServerCollection.Name)]
public sealed class EcOnlyJwtTests(EcOnlyServerFixture fixture)
{
    [Fact]
    public async Task Es256IsAcceptedOverRestAndGrpc()
    {
        var jwt = JwtTestKeys.Mint(fixture.Keys.Es256, fixture.Namespace);

        Assert.Equal(HttpStatusCode.NotFound, await JwtAuthTests.RestGetAsync(fixture.Host, jwt, "jwt/absent"));
        await using var client = fixture.Client(jwt);
        await Assert.ThrowsAsync<KvNotFoundException>(() => client.GetAsync("jwt/absent"));
    }

    [Theory]
    [InlineData("hs256")]
    [InlineData("rs256")]
    [InlineData("hs-signed-with-ec-public-key")]
    public async Task OtherAlgorithmsAreRejected(string kind)
    {
        var keys = fixture.Keys;
        var jwt = kind switch
        {
            "hs256" => JwtTestKeys.Mint(keys.Hs256, fixture.Namespace),
            "rs256" => JwtTestKeys.Mint(keys.Rs256, fixture.Namespace),
            _ => JwtTestKeys.Mint(JwtTestKeys.Hs256With(File.ReadAllBytes(keys.EcPemFile)), fixture.Namespace),
        };

        Assert.Equal(HttpStatusCode.Unauthorized, await JwtAuthTests.RestGetAsync(fixture.Host, jwt, "jwt/absent"));
        await using var client = fixture.Client(jwt);
        await Assert.ThrowsAsync<KvUnauthenticatedException>(() => client.GetAsync("jwt/absent"));
    }
}

/// <summary>A server with only an HS256 key: an RS256 (or ES256) token is rejected.</summary>
[Collection(KvServerCollection.Name)]
public sealed class HsOnlyJwtTests(HsOnlyServerFixture fixture)
{
    [Theory]
    [InlineData("rs256")]
    [InlineData("es256")]
    public async Task AsymmetricTokensAreRejected(string kind)
    {
        var jwt = JwtTestKeys.Mint(kind == "rs256" ? fixture.Keys.Rs256 : fixture.Keys.Es256, fixture.Namespace);

        Assert.Equal(HttpStatusCode.Unauthorized, await JwtAuthTests.RestGetAsync(fixture.Host, jwt, "jwt/absent"));
        await using var client = fixture.Client(jwt);
        await Assert.ThrowsAsync<KvUnauthenticatedException>(() => client.GetAsync("jwt/absent"));
    }

    [Fact]
    public async Task Hs256IsAccepted()
    {
        await using var client = fixture.Client(JwtTestKeys.Mint(fixture.Keys.Hs256, fixture.Namespace));

        await Assert.ThrowsAsync<KvNotFoundException>(() => client.GetAsync("jwt/absent"));
    }
}
