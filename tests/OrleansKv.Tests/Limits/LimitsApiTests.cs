using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansKv.Tests.Rest;

namespace OrleansKv.Tests.Limits;

/// <summary><c>/v1/namespaces/{ns}/limits</c>: what it answers, what it accepts, who may call it.</summary>
public sealed class LimitsApiTests(LimitsServerFixture server) : IClassFixture<LimitsServerFixture>
{
    [Fact]
    public async Task GetAnswersTheDefaultsInForceAndTheUsage()
    {
        var (ns, token) = await server.NewNamespaceAsync();
        using var client = server.Rest(token);
        (await client.PutAsync("/v1/kv/ab", new StringContent("12345"))).EnsureSuccessStatusCode();
        (await client.PutAsync("/v1/kv/c", new StringContent("1"))).EnsureSuccessStatusCode();

        using var admin = server.Rest(server.AdminToken);
        var limits = await RestAssert.JsonAsync(await admin.GetAsync($"/v1/namespaces/{ns}/limits"), HttpStatusCode.OK);

        Assert.Equal(ns, limits.GetProperty("namespace").GetString());
        Assert.Equal(0, limits.GetProperty("ops_per_second").GetInt32());
        Assert.Equal(LimitsServerFixture.DefaultMaxKeys, limits.GetProperty("max_keys").GetInt64());
        Assert.Equal(0, limits.GetProperty("max_bytes").GetInt64());
        Assert.Equal(LimitsServerFixture.MaxValueBytes, limits.GetProperty("max_value_bytes").GetInt32());
        Assert.Equal(JsonValueKind.Null, limits.GetProperty("overrides").GetProperty("max_keys").ValueKind);
        Assert.Equal(2, limits.GetProperty("usage").GetProperty("keys").GetInt64());
        Assert.Equal(2 + 5 + 1 + 1, limits.GetProperty("usage").GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task PutReplacesTheOverridesAndNullMeansTheDefault()
    {
        var (ns, _) = await server.NewNamespaceAsync();

        var set = await server.SetLimitsAsync(ns, new { ops_per_second = 50, max_keys = 3, max_bytes = 4096, max_value_bytes = 100 });
        Assert.Equal(50, set.GetProperty("ops_per_second").GetInt32());
        Assert.Equal(50, set.GetProperty("burst").GetInt32());
        Assert.Equal(3, set.GetProperty("max_keys").GetInt64());
        Assert.Equal(4096, set.GetProperty("max_bytes").GetInt64());
        Assert.Equal(100, set.GetProperty("max_value_bytes").GetInt32());
        Assert.Equal(50, set.GetProperty("overrides").GetProperty("ops_per_second").GetInt32());

        var reset = await server.SetLimitsAsync(ns, new { max_keys = (long?)null, burst = 7 });
        Assert.Equal(0, reset.GetProperty("ops_per_second").GetInt32());
        Assert.Equal(7, reset.GetProperty("burst").GetInt32());
        Assert.Equal(LimitsServerFixture.DefaultMaxKeys, reset.GetProperty("max_keys").GetInt64());
        Assert.Equal(LimitsServerFixture.MaxValueBytes, reset.GetProperty("max_value_bytes").GetInt32());
    }

    [Theory]
    [InlineData("""{"max_keys": -1}""", "invalid_limits")]
    [InlineData("""{"burst": 0}""", "invalid_limits")]
    [InlineData("""{"max_value_bytes": 65537}""", "invalid_limits")]
    [InlineData("""{"max_keys": 1.5}""", "malformed_json")]
    [InlineData("""{"max_keys": "10"}""", "malformed_json")]
    [InlineData("""{"max_keyz": 10}""", "malformed_json")]
    [InlineData("""[1]""", "malformed_json")]
    [InlineData("""null""", "malformed_json")]
    [InlineData("""{"max_keys": 10""", "malformed_json")]
    public async Task ABadBodyIs400AndChangesNothing(string body, string code)
    {
        var (ns, _) = await server.NewNamespaceAsync();
        await server.SetLimitsAsync(ns, new { max_keys = 5 });
        using var admin = server.Rest(server.AdminToken);

        await RestAssert.ErrorAsync(await admin.PutAsync($"/v1/namespaces/{ns}/limits", RestAssert.Json(body)), HttpStatusCode.BadRequest, code);

        var limits = await RestAssert.JsonAsync(await admin.GetAsync($"/v1/namespaces/{ns}/limits"), HttpStatusCode.OK);
        Assert.Equal(5, limits.GetProperty("max_keys").GetInt64());
    }

    [Fact]
    public async Task OnlyTheAdminSetsLimitsAndATenantReadsOnlyItsOwn()
    {
        var (ns, token) = await server.NewNamespaceAsync();
        var (_, tenantAdmin) = await server.NewNamespaceAsync("read", "write", "admin");
        var ownAdmin = await server.Host.IssueTokenAsync(server.AdminToken, ns, "admin");
        using var own = server.Rest(ownAdmin);
        using var other = server.Rest(tenantAdmin);
        using var plain = server.Rest(token);
        using var anonymous = server.Rest(null);
        var path = $"/v1/namespaces/{ns}/limits";

        await RestAssert.JsonAsync(await own.GetAsync(path), HttpStatusCode.OK);
        await RestAssert.ErrorAsync(await own.PutAsync(path, RestAssert.Json("""{"max_keys": 1000000}""")), HttpStatusCode.Forbidden, "forbidden");
        await RestAssert.ErrorAsync(await other.GetAsync(path), HttpStatusCode.Forbidden, "forbidden");
        await RestAssert.ErrorAsync(await plain.GetAsync(path), HttpStatusCode.Forbidden, "forbidden");
        await RestAssert.ErrorAsync(await anonymous.GetAsync(path), HttpStatusCode.Unauthorized, "unauthenticated");
        using var admin = server.Rest(server.AdminToken);
        await RestAssert.ErrorAsync(await admin.GetAsync("/v1/namespaces/-bad/limits"), HttpStatusCode.BadRequest, "invalid_namespace");
    }
}
