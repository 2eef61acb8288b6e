using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansKv.Tests.Cluster;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.ProcessTests;
using OrleansKv.Tests.Rest;

namespace OrleansKv.Tests.Limits;

/// <summary>Limits across a 3-silo cluster of real server processes on one redis-server.</summary>
public sealed class CrossSiloLimitsTests
{
    [Fact]
    public async Task AQuotaFilledThroughOneSiloIsRefusedThroughAnother()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, new Dictionary<string, string> { ["LIMITS_REFRESH_SECONDS"] = "1" }, persistentRedis: false);
        var silos = cluster.Silos;
        var ns = "xs-" + Guid.NewGuid().ToString("N")[..12];
        using var admin = silos[0].CreateClient(ServerProcess.AdminToken);
        using var issued = await admin.PostAsJsonAsync("/v1/tokens", new { @namespace = ns, scopes = new[] { "read", "write" } });
        var token = (await RestAssert.JsonAsync(issued, HttpStatusCode.Created)).GetProperty("token").GetString()!;
        await RestAssert.JsonAsync(await admin.PutAsJsonAsync($"/v1/namespaces/{ns}/limits", new { max_keys = 5 }), HttpStatusCode.OK);
        var clients = silos.Select(s => s.CreateClient(token)).ToArray();

        // Fill through silo 1.
        for (var i = 0; i < 5; i++)
        {
            (await clients[1].PutAsync($"/v1/kv/k{i}", new StringContent("v"))).EnsureSuccessStatusCode();
        }

        await RestAssert.ErrorAsync(await clients[2].PutAsync("/v1/kv/k5", new StringContent("v")), HttpStatusCode.InsufficientStorage, "quota_exceeded");
        using var viaOther = silos[2].CreateClient(ServerProcess.AdminToken);
        var limits = await RestAssert.JsonAsync(await viaOther.GetAsync($"/v1/namespaces/{ns}/limits"), HttpStatusCode.OK);
        Assert.Equal(5, limits.GetProperty("usage").GetProperty("keys").GetInt64());
        Assert.Equal(5, limits.GetProperty("max_keys").GetInt64());

        // Room for three more, raced for through all three silos at once: exactly three are taken.
        await RestAssert.JsonAsync(await admin.PutAsJsonAsync($"/v1/namespaces/{ns}/limits", new { max_keys = 8 }), HttpStatusCode.OK);
        var statuses = await Task.WhenAll(Enumerable.Range(10, 15).Select(async i =>
        {
            using var response = await clients[i % 3].PutAsync($"/v1/kv/k{i}", new StringContent("v"));
            return response.StatusCode;
        }));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(12, statuses.Count(s => s == HttpStatusCode.InsufficientStorage));
        Assert.Equal(8, (await RestAssert.ListAllAsync(clients[0])).Count);

        // A rate override set through silo 0 reaches silo 2's front end within the refresh period.
        await RestAssert.JsonAsync(await admin.PutAsJsonAsync($"/v1/namespaces/{ns}/limits", new { max_keys = 8, ops_per_second = 1, burst = 1 }), HttpStatusCode.OK);
        await Eventually.TrueAsync(
            async () =>
            {
                using var response = await clients[2].GetAsync("/v1/kv/k0");
                return response.StatusCode == HttpStatusCode.TooManyRequests;
            },
            TimeSpan.FromSeconds(15),
            "silo 2 should throttle the namespace once it re-reads its limits");

        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}
