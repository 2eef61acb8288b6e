using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Server.Auth;

namespace OrleansKv.Tests.Rest;

/// <summary>
/// Routes are guarded by ASP.NET Core's authorization middleware evaluating the whole policy a route names, not
/// only its scope: a policy redefined with a role or an assertion is enforced as written, for every route that
/// names it, and the refusal still answers in the JSON error contract.
/// </summary>
public sealed class AuthPolicyTests
{
    [Fact]
    public async Task ARoleRequirementAddedToThePolicyIsEnforced()
    {
        await using var parent = new KvServerFactory();
        await using var server = parent.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.Configure<AuthorizationOptions>(o => o.AddPolicy(KvPolicies.Read, p => p.RequireAuthenticatedUser().RequireRole("auditor")))));
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", KvServerFactory.TokenA);

        using var read = await client.GetAsync("/v1/kv/some-key");
        using var write = await client.PutAsync("/v1/kv/some-key", new StringContent("v"));

        await RestAssert.ErrorAsync(read, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.Created, write.StatusCode);
    }

    [Fact]
    public async Task AnAssertionPolicyDecidesPerRequest()
    {
        await using var parent = new KvServerFactory();
        await using var server = parent.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.Configure<AuthorizationOptions>(o => o.AddPolicy(KvPolicies.Write, p => p.RequireAuthenticatedUser()
                .AddRequirements(new ScopeRequirement(KvScopes.Write, needsNamespace: true))
                .RequireAssertion(c => c.Resource is Microsoft.AspNetCore.Http.HttpContext http && !http.Request.Path.Value!.Contains("locked", StringComparison.Ordinal))))));
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", KvServerFactory.TokenA);

        using var open = await client.PutAsync("/v1/kv/open-key", new StringContent("v"));
        using var locked = await client.PutAsync("/v1/kv/locked-key", new StringContent("v"));

        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        await RestAssert.ErrorAsync(locked, HttpStatusCode.Forbidden, "forbidden");
    }
}
