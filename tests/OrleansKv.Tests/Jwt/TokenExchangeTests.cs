using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Client;
using OrleansKv.Server.Auth;
using OrleansKv.Tests.GrpcApi;

namespace OrleansKv.Tests.Jwt;

/// <summary><c>POST /v1/auth/token</c>: an opaque token in, a short-lived JWT out, never more than the token may do.</summary>
[Collection(KvServerCollection.Name)]
public sealed class TokenExchangeTests(KvServerFixture fixture)
{
    [Fact]
    public async Task AnOpaqueTokenIsExchangedForAJwtThatWorksOnGrpcAndRest()
    {
        var (status, body) = await ExchangeAsync(fixture.Host, fixture.Token);

        Assert.Equal(HttpStatusCode.OK, status);
        var jwt = body.GetProperty("token").GetString()!;
        Assert.Equal(fixture.Namespace, body.GetProperty("namespace").GetString());
        Assert.Equal(["read", "write"], body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.InRange(body.GetProperty("expires_at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));

        var key = $"exchange/{Guid.NewGuid():N}";
        await using var client = fixture.Client(jwt);
        await client.SetAsync(key, "via jwt");
        await using var owner = fixture.Client();
        Assert.Equal("via jwt", (await owner.GetAsync(key)).ValueAsString());
        Assert.Equal(HttpStatusCode.OK, await JwtAuthTests.RestGetAsync(fixture.Host, jwt, key));
    }

    [Fact]
    public async Task TheJwtCarriesTheStandardClaims()
    {
        var (_, body) = await ExchangeAsync(fixture.Host, fixture.Token);

        var jwt = JwtTestKeys.Read(body.GetProperty("token").GetString()!);

        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal(fixture.Namespace, jwt.GetClaim("ns").Value);
        Assert.Equal("read write", jwt.GetClaim("scope").Value);
        Assert.Equal(JwtTestKeys.Issuer, jwt.Issuer);
        Assert.Equal([JwtTestKeys.Audience], jwt.Audiences);
        Assert.Equal("bootstrap", jwt.Subject);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.Equal(TimeSpan.FromMinutes(15), jwt.ValidTo - jwt.IssuedAt);
        Assert.Equal(jwt.IssuedAt, jwt.ValidFrom);
    }

    [Fact]
    public async Task AReadOnlyTokenGetsAReadOnlyJwtAndCannotAskForMore()
    {
        var (status, body) = await ExchangeAsync(fixture.Host, fixture.ReadOnlyToken);
        var (escalated, _) = await ExchangeAsync(fixture.Host, fixture.ReadOnlyToken, new { scopes = new[] { "read", "write" } });
        var (admin, _) = await ExchangeAsync(fixture.Host, fixture.ReadOnlyToken, new { scopes = new[] { "admin" } });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.Forbidden, escalated);
        Assert.Equal(HttpStatusCode.Forbidden, admin);
        await using var client = fixture.Client(body.GetProperty("token").GetString()!);
        await Assert.ThrowsAsync<KvPermissionDeniedException>(() => client.SetAsync("exchange/k", "v"));
    }

    [Fact]
    public async Task AJwtMayBeNarrowedToFewerScopes()
    {
        var (status, body) = await ExchangeAsync(fixture.Host, fixture.Token, new { scopes = new[] { "read" } });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["read"], body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        await using var client = fixture.Client(body.GetProperty("token").GetString()!);
        await Assert.ThrowsAsync<KvPermissionDeniedException>(() => client.SetAsync("exchange/k", "v"));
    }

    [Fact]
    public async Task TheAdminCredentialCannotExchange()
    {
        var (status, body) = await ExchangeAsync(fixture.Host, fixture.AdminToken);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("forbidden", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AJwtCannotRenewItself()
    {
        var (_, body) = await ExchangeAsync(fixture.Host, fixture.Token);

        var (status, _) = await ExchangeAsync(fixture.Host, body.GetProperty("token").GetString()!);

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("unknown-token-value")]
    public async Task WithoutAValidCredentialThereIsNoExchange(string? credential)
    {
        var (status, body) = await ExchangeAsync(fixture.Host, credential);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("unauthenticated", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnExchangedJwtExpires()
    {
        // The issuer's clock runs an hour behind, so the 15-minute JWT it signs is already expired.
        await using var host = await KvServerHost.StartAsync(
            new Dictionary<string, string?> { ["TOKEN"] = fixture.Token, ["JWT_SIGNING_KEY"] = fixture.Keys.SigningSecret },
            services => services.AddSingleton(sp => new JwtTokenIssuer(sp.GetRequiredService<JwtSettings>(), new ShiftedTime(TimeSpan.FromHours(-1)))));

        var (status, body) = await ExchangeAsync(host, fixture.Token);

        Assert.Equal(HttpStatusCode.OK, status);
        var jwt = body.GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, await JwtAuthTests.RestGetAsync(host, jwt, "k"));
        await using var client = host.CreateClient(jwt);
        var ex = await Assert.ThrowsAsync<KvUnauthenticatedException>(() => client.GetAsync("k"));
        Assert.Contains("expired", ex.Message, StringComparison.Ordinal);
    }

    internal static async Task<(HttpStatusCode Status, JsonElement Body)> ExchangeAsync(KvServerHost host, string? credential, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/auth/token") { Content = body is null ? null : JsonContent.Create(body) };
        if (credential is not null)
        {
            request.Headers.Authorization = new("Bearer", credential);
        }

        using var response = await host.Rest.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}

/// <summary>Without JWT_SIGNING_KEY nothing can be signed: the exchange answers 501 with a JSON error.</summary>
[Collection(KvServerCollection.Name)]
public sealed class TokenExchangeDisabledTests(EcOnlyServerFixture fixture)
{
    [Fact]
    public async Task ExchangeIsNotImplementedWithoutASigningKey()
    {
        var (status, body) = await TokenExchangeTests.ExchangeAsync(fixture.Host, fixture.Token);

        Assert.Equal(HttpStatusCode.NotImplemented, status);
        Assert.Equal("jwt_disabled", body.GetProperty("code").GetString());
    }
}
