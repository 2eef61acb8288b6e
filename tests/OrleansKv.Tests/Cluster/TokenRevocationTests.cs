using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansKv.Tests.ProcessTests;
using Xunit.Abstractions;

namespace OrleansKv.Tests.Cluster;

/// <summary>Issued tokens are cluster-wide, and a revocation reaches every silo at once, not when caches run out.</summary>
public sealed class TokenRevocationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ATokenRevokedThroughOneSiloIsRefusedByAnotherWithinASecond()
    {
        await using var cluster = await ProcessCluster.StartAsync(2);
        var (a, b) = (cluster.Silos[0], cluster.Silos[1]);
        using var adminA = a.CreateClient(ServerProcess.AdminToken);
        using var issued = await adminA.PostAsJsonAsync("/v1/tokens", new { @namespace = "revoke-me", scopes = new[] { "read", "write" } });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var body = await issued.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("token").GetString()!;
        var id = body.GetProperty("id").GetString()!;

        // The token works on the other silo, which now holds it in its cache.
        using var onB = b.CreateClient(token);
        (await onB.PutAsync("/v1/kv/k", new StringContent("v"))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/v1/kv/k")).StatusCode);

        using var revoked = await adminA.DeleteAsync($"/v1/tokens/{id}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var response = await onB.GetAsync("/v1/kv/k");
            status = response.StatusCode;
            if (status == HttpStatusCode.Unauthorized)
            {
                break;
            }

            await Task.Delay(20);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(10));

        output.WriteLine($"refused by the other silo {clock.Elapsed.TotalMilliseconds:F0} ms after the revocation was acknowledged");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"the other silo accepted the revoked token for {clock.Elapsed}");
    }

    [Fact]
    public async Task ATokenIssuedThroughOneSiloIsListedAndAcceptedByEveryOther()
    {
        await using var cluster = await ProcessCluster.StartAsync(2);
        using var adminA = cluster.Silos[0].CreateClient(ServerProcess.AdminToken);
        using var issued = await adminA.PostAsJsonAsync("/v1/tokens", new { @namespace = "shared-ns", scopes = new[] { "read" } });
        var id = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        using var adminB = cluster.Silos[1].CreateClient(ServerProcess.AdminToken);
        var listed = await adminB.GetFromJsonAsync<JsonElement>("/v1/tokens");

        Assert.Contains(listed.GetProperty("tokens").EnumerateArray(), t => t.GetProperty("id").GetString() == id);
    }
}
