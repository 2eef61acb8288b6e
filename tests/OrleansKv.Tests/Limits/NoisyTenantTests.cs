using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using OrleansKv.Tests.GrpcApi;
using Xunit.Abstractions;

namespace OrleansKv.Tests.Limits;

/// <summary>
/// Fair sharing: one namespace floods the server with writes while another reads at its usual pace. With the
/// flooder's rate limited, the quiet tenant's p99 stays within twice its unloaded p99.
/// </summary>
[Collection(Infrastructure.TimingCollection.Name)]
public sealed class NoisyTenantTests(ITestOutputHelper output)
{
    private const int Rounds = 4;
    private const int SamplesPerWindow = 150;
    private const int Flooders = 4;

    [Fact]
    public async Task AFloodingNamespaceDoesNotRaiseAnotherNamespacesP99AboveTwiceItsUnloadedValue()
    {
        var admin = "admin-" + Guid.NewGuid().ToString("N");
        await using var host = await KvServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["ADMIN_TOKEN"] = admin,
            ["NAMESPACE_OPS_PER_SECOND"] = "200",
        });
        var noisyNs = "noisy-" + Guid.NewGuid().ToString("N")[..8];
        using var quiet = Client(host, await host.IssueTokenAsync(admin, "quiet-" + Guid.NewGuid().ToString("N")[..8], "read", "write"), 1);
        using var noisy = Client(host, await host.IssueTokenAsync(admin, noisyNs, "read", "write"), Flooders);
        (await quiet.PutAsync("/v1/kv/profile", new StringContent(new string('q', 256)))).EnsureSuccessStatusCode();
        for (var i = 0; i < 50; i++)
        {
            await quiet.GetAsync("/v1/kv/profile");
        }

        // Unloaded and flooded windows alternate, so a change in the machine's background load hits both alike.
        var unloaded = new List<double>();
        var flooded = new List<double>();
        long admitted = 0, throttled = 0;
        for (var round = 0; round < Rounds; round++)
        {
            unloaded.AddRange(await SampleAsync(quiet));
            using var stop = new CancellationTokenSource();
            var flood = Enumerable.Range(0, Flooders).Select(f => Task.Run(async () =>
            {
                var value = new byte[4096];
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    using var content = new ByteArrayContent(value);
                    try
                    {
                        using var response = await noisy.PutAsync($"/v1/kv/f{f}-{n % 500}", content, stop.Token);
                        Interlocked.Increment(ref response.StatusCode == HttpStatusCode.TooManyRequests ? ref throttled : ref admitted);
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                    }
                }
            })).ToArray();
            await Task.Delay(300);
            flooded.AddRange(await SampleAsync(quiet));
            await stop.CancelAsync();
            await Task.WhenAll(flood);
        }

        var before = P99(unloaded);
        var during = P99(flooded);
        output.WriteLine($"quiet p99 unloaded {before:0.000} ms, flooded {during:0.000} ms (x{during / before:0.00}); noisy admitted {admitted}, throttled {throttled}");
        Assert.True(throttled > admitted, $"the flood should mostly be throttled (admitted {admitted}, throttled {throttled})");
        Assert.True(during <= 2 * before, $"quiet p99 rose from {before:0.000} ms to {during:0.000} ms under the flood");
    }

    /// <summary>One window of the quiet tenant's reads, about 100 a second (half its rate), in milliseconds.</summary>
    private static async Task<List<double>> SampleAsync(HttpClient quiet)
    {
        var samples = new List<double>(SamplesPerWindow);
        for (var i = 0; i < SamplesPerWindow; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await quiet.GetAsync("/v1/kv/profile");
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(10);
        }

        return samples;
    }

    private static double P99(List<double> samples)
    {
        var sorted = samples.Order().ToArray();
        return sorted[(int)Math.Ceiling(sorted.Length * 0.99) - 1];
    }

    private static HttpClient Client(KvServerHost host, string token, int connections)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = host.HttpAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
