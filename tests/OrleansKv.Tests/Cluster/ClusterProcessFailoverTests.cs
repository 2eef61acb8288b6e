using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansKv.Server.Auth;
using OrleansKv.Tests.ProcessTests;
using Xunit.Abstractions;

using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Cluster;

/// <summary>
/// Three real server processes clustered through a real redis-server; one is killed with SIGKILL in the middle
/// of a concurrent write load. Every acknowledged write must read back afterwards, and every namespace must
/// serve again within seconds.
/// </summary>
public sealed class ClusterProcessFailoverTests(ITestOutputHelper output)
{
    private const int Namespaces = 6;
    private const int Writers = 12;
    private const int KeysPerWriter = 20;

    [Fact]
    public async Task EveryAcknowledgedWriteSurvivesKillingASiloMidLoad()
    {
        var tokens = Enumerable.Range(0, Namespaces).Select(i => $"failover-token-{i}-{Guid.NewGuid():N}").ToArray();
        await using var cluster = await ProcessCluster.StartAsync(3, new Dictionary<string, string> { ["TOKEN"] = string.Join(',', tokens) });
        var silos = cluster.Silos;
        var alive = new bool[] { true, true, true };
        var acknowledged = new ConcurrentDictionary<string, int>();
        var attempted = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var clients = silos.Select(s => tokens.Select(t => s.CreateClient(t)).ToArray()).ToArray();

        async Task WriteAsync(int writer)
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var silo = (writer + n) % 3;
                if (!Volatile.Read(ref alive[silo]))
                {
                    continue;
                }

                var key = $"w{writer}-k{n % KeysPerWriter}";
                var id = $"{writer % Namespaces}/{key}";
                attempted.AddOrUpdate(id, n, (_, old) => Math.Max(old, n));
                try
                {
                    using var content = new StringContent(n.ToString(CultureInfo.InvariantCulture));
                    using var response = await clients[silo][writer % Namespaces].PutAsync($"/v1/kv/{key}", content, stop.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        acknowledged.AddOrUpdate(id, n, (_, old) => Math.Max(old, n));
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }
            }
        }

        var load = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(w))).ToArray();
        await Task.Delay(2000);

        // Kill the silo that holds the most namespaces, so the kill moves some.
        var owners = await Task.WhenAll(tokens.Select(t => cluster.OwnerOfAsync(TokenHashing.BootstrapNamespace(t))));
        var victim = Enumerable.Range(0, 3).MaxBy(i => owners.Count(o => o == silos[i]));
        var survivors = silos.Where((_, i) => i != victim).ToList();
        var beforeKill = acknowledged.Count;
        Volatile.Write(ref alive[victim], false);
        var clock = Stopwatch.StartNew();
        silos[victim].Kill();
        output.WriteLine($"killed silo {victim}, which held {owners.Count(o => o == silos[victim])} of {Namespaces} namespaces");

        // Every namespace accepts a write again through the survivors: measure how long that takes.
        var recovered = await Task.WhenAll(tokens.Select(async (token, i) =>
        {
            using var probe = survivors[i % 2].CreateClient(token);
            while (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                try
                {
                    using var response = await probe.PutAsync("/v1/kv/probe", new StringContent("p"));
                    if (response.IsSuccessStatusCode)
                    {
                        return clock.Elapsed;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }

                await Task.Delay(50);
            }

            return TimeSpan.MaxValue;
        }));
        await Task.Delay(1000);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        await ProcessCluster.WaitForClusterSizeAsync(survivors, 2);
        var declaredDead = clock.Elapsed;

        // Every acknowledged write reads back (or a later attempted write of the same key replaced it).
        var lost = new List<string>();
        foreach (var (id, ackedValue) in acknowledged)
        {
            var ns = int.Parse(id[..id.IndexOf('/', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            var key = id[(id.IndexOf('/', StringComparison.Ordinal) + 1)..];
            using var reader = survivors[ns % 2].CreateClient(tokens[ns]);
            using var response = await reader.GetAsync($"/v1/kv/{key}");
            var value = response.IsSuccessStatusCode ? int.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture) : -1;
            if (value < ackedValue || value > attempted[id])
            {
                lost.Add($"{id}: acknowledged {ackedValue}, read {value}");
            }
        }

        var slowest = recovered.Max();
        output.WriteLine($"{acknowledged.Count} keys acknowledged ({beforeKill} before the kill); every namespace served again after {slowest.TotalSeconds:F2} s (fastest {recovered.Min().TotalSeconds:F2} s); membership settled by {declaredDead.TotalSeconds:F1} s; lost: {lost.Count}");
        Assert.Empty(lost);
        Assert.True(beforeKill > 0);
        Assert.True(slowest < TimeSpan.FromSeconds(15), $"recovery took {slowest}");
    }
}
