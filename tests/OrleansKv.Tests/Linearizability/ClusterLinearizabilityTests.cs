using System.Diagnostics;
using OrleansKv.Server.Auth;
using OrleansKv.Tests.Cluster;
using OrleansKv.Tests.ProcessTests;
using Xunit.Abstractions;

namespace OrleansKv.Tests.Linearizability;

/// <summary>
/// The consistency guarantee across failures: three silo processes on one redis-server (with an append-only file
/// fsynced per write), six clients spread over them, and a fault half-way through the run. Every key's recorded
/// history must stay linearizable: no acknowledged write lost, no stale read from a silo that lost the namespace.
/// </summary>
public sealed class ClusterLinearizabilityTests(ITestOutputHelper output)
{
    private const string Token = "cluster-linearizability-token";
    private static readonly string[] Keys = ["lin/a", "lin/b", "lin/c", "lin/d"];

    [Fact]
    public Task KillingTheOwningSiloMidRunKeepsEveryKeyLinearizable() =>
        RunAsync(TimeSpan.FromSeconds(10), async (cluster, owner, _) =>
        {
            owner.Kill();
            output.WriteLine($"killed the owning silo (pid {owner.ProcessId})");
            await Task.CompletedTask;
        });

    [Fact]
    public Task PausingTheOwningSiloPastFailureDetectionKeepsEveryKeyLinearizable() =>
        RunAsync(TimeSpan.FromSeconds(14), async (cluster, owner, ct) =>
        {
            // Frozen for longer than failure detection takes to declare it dead, so the namespace moves; when it runs
            // again it must not answer from its memory before it learns that (or dies of it).
            owner.Pause();
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(9), ct);
            owner.Resume();
            output.WriteLine($"paused the owning silo for {clock.Elapsed.TotalSeconds:F1} s, then let it run");
        });

    [Fact]
    public Task RestartingRedisMidRunKeepsEveryKeyLinearizable() =>
        RunAsync(TimeSpan.FromSeconds(10), async (cluster, _, _) =>
        {
            await cluster.Redis.RestartAsync(TimeSpan.FromSeconds(1));
            output.WriteLine("restarted redis-server after 1 s down");
        });

    private async Task RunAsync(TimeSpan duration, Func<ProcessCluster, ServerProcess, CancellationToken, Task> fault)
    {
        await using var cluster = await ProcessCluster.StartAsync(3, new Dictionary<string, string> { ["TOKEN"] = Token });
        var ns = TokenHashing.BootstrapNamespace(Token);
        using (var warm = cluster.Silos[0].CreateClient(Token))
        {
            (await warm.PutAsync("/v1/kv/warm-up", new StringContent("v"))).EnsureSuccessStatusCode();
        }

        var owner = await cluster.OwnerOfAsync(ns) ?? throw new InvalidOperationException("the directory names no owner of the namespace");
        output.WriteLine($"namespace {ns} is active on silo {cluster.Silos.IndexOf(owner)} of 3");
        var options = new ScenarioOptions([.. cluster.Silos.Select(s => s.BaseAddress)], Token, Keys)
        {
            Duration = duration,
            FaultAtMidRun = ct => fault(cluster, owner, ct),
        };

        var result = await LinearizabilityScenario.RunAsync(options);
        var summary = $"seed {options.Seed}\n{result.Summary()}";
        output.WriteLine(summary);

        Assert.True(result.Unexpected.Count == 0, "answers outside the contract:\n" + string.Join("\n", result.Unexpected.Take(20)));
        Assert.True(result.History.Count >= options.MinOperations, $"only {result.History.Count} operations were recorded\n{summary}");
        Assert.True(result.Verdict.IsLinearizable, summary);
    }
}
