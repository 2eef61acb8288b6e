using System.Net;
using System.Net.Http.Headers;
using OrleansKv.Tests.GrpcApi;

namespace OrleansKv.Tests.Limits;

/// <summary>TOKEN_OPS_PER_SECOND: each credential has a bucket of its own inside its namespace's.</summary>
public sealed class TokenRateLimitTests
{
    [Fact]
    public async Task OneCredentialsFloodDoesNotThrottleAnotherOfTheSameNamespace()
    {
        var admin = "admin-" + Guid.NewGuid().ToString("N");
        await using var host = await KvServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["ADMIN_TOKEN"] = admin,
            ["TOKEN_OPS_PER_SECOND"] = "1",
            ["TOKEN_BURST"] = "2",
        });
        var ns = "tok-" + Guid.NewGuid().ToString("N")[..12];
        using var noisy = Client(host, await host.IssueTokenAsync(admin, ns, "read"));
        using var quiet = Client(host, await host.IssueTokenAsync(admin, ns, "read"));

        var refused = false;
        for (var i = 0; i < 10 && !refused; i++)
        {
            using var response = await noisy.GetAsync("/v1/kv/absent");
            refused = response.StatusCode == HttpStatusCode.TooManyRequests;
        }

        Assert.True(refused, "the noisy credential should run out of its own bucket");
        using var other = await quiet.GetAsync("/v1/kv/absent");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    private static HttpClient Client(KvServerHost host, string token)
    {
        var client = new HttpClient { BaseAddress = host.HttpAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
