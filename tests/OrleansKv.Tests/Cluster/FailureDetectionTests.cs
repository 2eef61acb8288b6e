using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansKv.Server.Auth;
using OrleansKv.Tests.ProcessTests;
using Xunit.Abstractions;

namespace OrleansKv.Tests.Cluster;

/// <summary>
/// Orleans failure detection with the server's membership settings (probe timeout 1 s, at most 2 s, 3 missed probes),
/// on three real silo processes: a frozen silo's namespaces move within seconds, and a saturated machine declares no
/// healthy silo dead.
/// </summary>
public sealed class FailureDetectionTests(ITestOutputHelper output)
{
    private const string Token = "failure-detection-token";

    [Fact]
    public async Task NamespacesOfAFrozenSiloServeAgainElsewhereWithinSeconds()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, new Dictionary<string, string> { ["TOKEN"] = Token });
        var ns = TokenHashing.BootstrapNamespace(Token);
        using (var warm = cluster.Silos[0].CreateClient(Token))
        {
            (await warm.PutAsync("/v1/kv/k", new StringContent("before"))).EnsureSuccessStatusCode();
        }

        var owner = await cluster.OwnerOfAsync(ns) ?? throw new InvalidOperationException("no owner in the directory");
        var survivor = cluster.Silos.First(s => s != owner);
        using var client = survivor.CreateClient(Token);
        client.Timeout = TimeSpan.FromSeconds(3);
        owner.Pause();
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(40))
            {
                try
                {
                    using var response = await client.PutAsync("/v1/kv/k", new StringContent("after"));
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }

                await Task.Delay(100);
            }
        }
        finally
        {
            owner.Resume();
        }

        output.WriteLine($"a write through a survivor succeeded {clock.Elapsed.TotalSeconds:F1} s after SIGSTOP of the owning silo");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the namespace took {clock.Elapsed} to move off the frozen silo");
        Assert.Equal("after", await client.GetStringAsync("/v1/kv/k"));
    }

    [Fact]
    public async Task FullCpuLoadDeclaresNoSiloDead()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, new Dictionary<string, string> { ["TOKEN"] = Token });
        var stopBurning = 0;

        // Two spinning threads per core, plus as many requests as the silos take, for longer than three probe timeouts.
        var burners = Enumerable.Range(0, Environment.ProcessorCount * 2).Select(_ => new Thread(() =>
        {
            var x = 0UL;
            while (Volatile.Read(ref stopBurning) == 0)
            {
                x = (x * 6364136223846793005UL) + 1442695040888963407UL;
            }

            GC.KeepAlive(x);
        }) { IsBackground = true }).ToList();
        var clients = cluster.Silos.Select(s => s.CreateClient(Token)).ToList();
        var served = 0;
        var failed = 0;
        burners.ForEach(t => t.Start());
        try
        {
            var until = DateTime.UtcNow.AddSeconds(10);
            await Task.WhenAll(Enumerable.Range(0, 12).Select(async w =>
            {
                for (var n = 0; DateTime.UtcNow < until; n++)
                {
                    try
                    {
                        using var response = await clients[w % clients.Count].PutAsync($"/v1/kv/cpu-{w}", new StringContent(n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                        Interlocked.Increment(ref response.IsSuccessStatusCode ? ref served : ref failed);
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            }));
        }
        finally
        {
            Volatile.Write(ref stopBurning, 1);
            burners.ForEach(t => t.Join());
            clients.ForEach(c => c.Dispose());
        }

        // The claim is that no suspicion lands: give late votes two probe periods to show up, then read every view.
        await Task.Delay(2000);
        var views = new List<string>();
        foreach (var silo in cluster.Silos)
        {
            using var probe = silo.CreateClient();
            var health = await probe.GetFromJsonAsync<JsonElement>("/readyz");
            views.Add($"{health.GetProperty("silo_status").GetString()}/{health.GetProperty("cluster_size").GetInt32()}");
        }

        output.WriteLine($"{served} writes served, {failed} failed under full CPU load; each silo's status/cluster size: {string.Join(", ", views)}");
        Assert.True(served > 0);
        Assert.All(views, v => Assert.Equal("Active/3", v));
        Assert.All(cluster.Silos, s => Assert.False(s.HasExited, "a silo was declared dead and stopped"));
    }
}
