using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Server.Auth;

namespace OrleansKv.Tests.Rest;

/// <summary>
/// Isolation at the credential choke point: whatever a JWT validator accepts, a namespace claim that is not a user
/// namespace name (the token registry's <c>_system</c>, paths) never reaches a grain. The JWT validation itself is
/// tested with the JWT feature; here a stand-in validator trusts the middle part of <c>x.{ns}.y</c>.
/// </summary>
public sealed class JwtNamespaceGuardTests
{
    [Theory]
    [InlineData("_system")]
    [InlineData("bad ns")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task AJwtNamingAnInvalidNamespaceIs401(string ns)
    {
        await using var parent = new KvServerFactory();
        await using var server = parent.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IJwtValidator, TrustingJwtValidator>()));
        using var valid = server.CreateClient();
        valid.DefaultRequestHeaders.Authorization = new("Bearer", "x.good-ns.y");
        using var invalid = server.CreateClient();
        invalid.DefaultRequestHeaders.Authorization = new("Bearer", $"x.{ns}.y");

        using var allowed = await valid.GetAsync("/v1/keys");
        using var refused = await invalid.GetAsync("/v1/keys");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        await RestAssert.ErrorAsync(refused, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    private sealed class TrustingJwtValidator : IJwtValidator
    {
        public ValueTask<CredentialResult> ValidateAsync(string jwt, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new CredentialResult(new KvPrincipal(jwt.Split('.')[1], KvScopes.Read | KvScopes.Write, "test"), null));
    }
}
