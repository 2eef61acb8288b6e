using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OrleansKv.Server.Auth;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.ProcessTests;
using Xunit.Abstractions;

namespace OrleansKv.Tests.Cluster;

/// <summary>
/// Two real server processes on a Sentinel-managed primary and replica (REDIS_URL names the Sentinel and the service).
/// The primary is killed with SIGKILL under a write load through both silos; Sentinel promotes the replica and the
/// silos follow by themselves. With REDIS_WAIT_REPLICAS=1 no acknowledged write is lost; with 0, Redis' asynchronous
/// replication may lose the last ones, and the test reports how many.
/// </summary>
public sealed class SentinelFailoverTests(ITestOutputHelper output)
{
    private const int Namespaces = 4;
    private const int Writers = 8;

    [Fact]
    public async Task WithWaitReplicasOneAPrimaryKillLosesNoAcknowledgedWrite()
    {
        var outcome = await KillThePrimaryUnderLoadAsync(waitReplicas: 1);

        Assert.Empty(outcome.Lost);
    }

    [Fact]
    public async Task WithoutWaitAPrimaryKillIsSurvivedAndItsLossesAreReported()
    {
        var outcome = await KillThePrimaryUnderLoadAsync(waitReplicas: 0);

        // Asynchronous replication: whatever the promoted replica had not received is gone. Reported, not asserted.
        output.WriteLine($"REDIS_WAIT_REPLICAS=0: {outcome.Lost.Count} of {outcome.Acknowledged} acknowledged writes lost"
            + (outcome.Lost.Count > 0 ? $" (e.g. {outcome.Lost[0]})" : string.Empty));
    }

    private async Task<Outcome> KillThePrimaryUnderLoadAsync(int waitReplicas)
    {
        await using var group = await RedisSentinelGroup.StartAsync();
        var tokens = Enumerable.Range(0, Namespaces).Select(i => $"sentinel-token-{i}-{Guid.NewGuid():N}").ToArray();
        await using var cluster = await ProcessCluster.StartOnAsync(group.ConnectionString, 2, new Dictionary<string, string>
        {
            ["TOKEN"] = string.Join(',', tokens),
            ["REDIS_WAIT_REPLICAS"] = waitReplicas.ToString(CultureInfo.InvariantCulture),
        });
        var clients = cluster.Silos.Select(s => tokens.Select(t => s.CreateClient(t)).ToArray()).ToArray();
        var acknowledged = new ConcurrentDictionary<string, int>();
        var attempted = new ConcurrentDictionary<string, int>();
        var clock = Stopwatch.StartNew();
        var killedAt = TimeSpan.MaxValue;
        var firstAfterKill = new ConcurrentBag<TimeSpan>();
        var ackTimes = new ConcurrentBag<TimeSpan>();
        var writes = 0L;
        using var stop = new CancellationTokenSource();

        async Task WriteAsync(int writer)
        {
            for (var n = 1; !stop.IsCancellationRequested; n++)
            {
                var ns = (writer + n) % Namespaces;
                var key = $"w{writer}";
                var id = $"{ns}/{key}";
                attempted[id] = n;
                var startedAt = clock.Elapsed;
                try
                {
                    using var content = new StringContent(n.ToString(CultureInfo.InvariantCulture));
                    using var response = await clients[writer % 2][ns].PutAsync($"/v1/kv/{key}", content, stop.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        acknowledged[id] = n;
                        Interlocked.Increment(ref writes);
                        ackTimes.Add(clock.Elapsed);
                        if (startedAt > killedAt)
                        {
                            firstAfterKill.Add(clock.Elapsed);
                        }
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }
            }
        }

        var load = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(w))).ToArray();
        Assert.True(await TestSilo.EventuallyAsync(() => Task.FromResult(Interlocked.Read(ref writes) >= 200), TimeSpan.FromSeconds(30)), "the write load did not start");
        await Task.Delay(500);
        var primary = group.Servers.Single(s => s.Port == group.Servers[0].Port);
        var beforeKill = Interlocked.Read(ref writes);
        primary.Kill();
        killedAt = clock.Elapsed;
        var promoted = await group.WaitForPromotionAsync(primary.Port, TimeSpan.FromSeconds(30));
        var promotedAfter = clock.Elapsed - killedAt;
        if (waitReplicas > 0)
        {
            // The new primary has no replica left to confirm writes: bring the old one back as its replica.
            await group.RestartAsReplicaAsync(primary, promoted);
        }

        Assert.True(await TestSilo.EventuallyAsync(() => Task.FromResult(firstAfterKill.Count >= 20), TimeSpan.FromSeconds(30)), "writes did not resume after the failover");
        // The outage window: the longest time without any acknowledged write, from the kill on.
        var times = ackTimes.Order().ToList();
        var outage = times.Zip(times.Skip(1), (a, b) => (Gap: b - a, End: b)).Where(g => g.End > killedAt).Max(g => g.Gap);
        await Task.Delay(1000);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var lost = new List<string>();
        foreach (var (id, ackedValue) in acknowledged)
        {
            var ns = int.Parse(id[..id.IndexOf('/', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            var key = id[(id.IndexOf('/', StringComparison.Ordinal) + 1)..];
            using var response = await clients[ns % 2][ns].GetAsync($"/v1/kv/{key}");
            var value = response.IsSuccessStatusCode ? int.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture) : -1;
            if (value < ackedValue || value > attempted[id])
            {
                lost.Add($"{id}: acknowledged {ackedValue}, read {value}");
            }
        }

        output.WriteLine($"REDIS_WAIT_REPLICAS={waitReplicas}: Sentinel promoted the replica {promotedAfter.TotalSeconds:F1} s after the kill; "
            + $"no write was acknowledged for {outage.TotalSeconds:F1} s; {Interlocked.Read(ref writes)} writes acknowledged ({beforeKill} before the kill), {lost.Count} lost");
        Assert.All(cluster.Silos, s => Assert.False(s.HasExited, "a silo ended"));
        foreach (var silo in cluster.Silos)
        {
            Assert.DoesNotContain(RedisSentinelGroup.Password, silo.Output, StringComparison.Ordinal);
        }

        foreach (var row in clients)
        {
            foreach (var client in row)
            {
                client.Dispose();
            }
        }

        return new Outcome(Interlocked.Read(ref writes), lost);
    }

    private sealed record Outcome(long Acknowledged, List<string> Lost);
}
