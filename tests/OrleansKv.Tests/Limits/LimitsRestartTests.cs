using System.Net;
using System.Net.Http.Json;
using OrleansKv.Server.Auth;
using OrleansKv.Tests.ProcessTests;
using OrleansKv.Tests.Rest;

namespace OrleansKv.Tests.Limits;

/// <summary>Overrides are grain state: the real binary keeps them, and enforces them, across a kill -9 and restart.</summary>
public sealed class LimitsRestartTests
{
    private const string Token = "limits-restart-token";

    [Fact]
    public async Task OverridesAndTheirQuotasSurviveAKillAndRestart()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["TOKEN"] = Token, ["NAMESPACE_MAX_KEYS"] = "100" });
        var ns = TokenHashing.BootstrapNamespace(Token);
        using (var admin = server.CreateClient(ServerProcess.AdminToken))
        using (var client = server.CreateClient(Token))
        {
            await RestAssert.JsonAsync(await admin.PutAsJsonAsync($"/v1/namespaces/{ns}/limits", new { max_keys = 2, ops_per_second = 1000 }), HttpStatusCode.OK);
            (await client.PutAsync("/v1/kv/a", new StringContent("1"))).EnsureSuccessStatusCode();
            (await client.PutAsync("/v1/kv/b", new StringContent("2"))).EnsureSuccessStatusCode();
        }

        server.Kill();
        await server.RestartAsync();

        using var adminAfter = server.CreateClient(ServerProcess.AdminToken);
        using var clientAfter = server.CreateClient(Token);
        var limits = await RestAssert.JsonAsync(await adminAfter.GetAsync($"/v1/namespaces/{ns}/limits"), HttpStatusCode.OK);
        Assert.Equal(2, limits.GetProperty("max_keys").GetInt64());
        Assert.Equal(1000, limits.GetProperty("ops_per_second").GetInt32());
        Assert.Equal(2, limits.GetProperty("overrides").GetProperty("max_keys").GetInt64());
        Assert.Equal(2, limits.GetProperty("usage").GetProperty("keys").GetInt64());
        await RestAssert.ErrorAsync(await clientAfter.PutAsync("/v1/kv/c", new StringContent("3")), HttpStatusCode.InsufficientStorage, "quota_exceeded");
    }
}
