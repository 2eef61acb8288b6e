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
        RunAsync(TimeSpan.FromSeconds(10), async (cluster, owner, _, _) =>
        {
            owner.Kill();
            output.WriteLine($"killed the owning silo (pid {owner.ProcessId})");
            await Task.CompletedTask;
        });

    [Fact]
    public Task PausingTheOwningSiloPastFailureDetectionKeepsEveryKeyLinearizable() =>
        RunAsync(TimeSpan.FromSeconds(16), async (cluster, owner, control, ct) =>
        {
            // The owner is frozen for longer than failure detection takes to declare it dead, with no write in flight or
            // queued for it: the clients only read until the namespace has moved, then write to the new owner. So when
            // the frozen silo runs again nothing the store would fence is pending there, and only its ownership lease
            // keeps it from answering from memory; a reader pinned to it asks it again the moment it runs.
            control.ReadOnly = true;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            owner.Pause();
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(9), ct);
            control.ReadOnly = false;
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            owner.Resume();
            output.WriteLine($"paused the owning silo for {clock.Elapsed.TotalSeconds:F1} s, writes resumed after 9 s, then let it run");
        }, watchTheOwner: true);

    [Fact]
    public Task RestartingRedisMidRunKeepsEveryKeyLinearizable() =>
        RunAsync(TimeSpan.FromSeconds(10), async (cluster, _, _, _) =>
        {
            await cluster.Redis.RestartAsync(TimeSpan.FromSeconds(1));
            output.WriteLine("restarted redis-server after 1 s down");
        });

    private async Task RunAsync(TimeSpan duration, Func<ProcessCluster, ServerProcess, ScenarioControl, CancellationToken, Task> fault, bool watchTheOwner = false)
    {
        await using var cluster = await ProcessCluster.StartAsync(3, new Dictionary<string, string> { ["TOKEN"] = Token });
        var ns = TokenHashing.BootstrapNamespace(Token);
        using (var warm = cluster.Silos[0].CreateClient(Token))
        {
            (await warm.PutAsync("/v1/kv/warm-up", new StringContent("v"))).EnsureSuccessStatusCode();
        }

        var owner = await cluster.OwnerOfAsync(ns) ?? throw new InvalidOperationException("the directory names no owner of the namespace");
        output.WriteLine($"namespace {ns} is active on silo {cluster.Silos.IndexOf(owner)} of 3");
        var control = new ScenarioControl();
        var options = new ScenarioOptions([.. cluster.Silos.Select(s => s.BaseAddress)], Token, Keys)
        {
            Control = control,
            Duration = duration,
            FaultAtMidRun = ct => fault(cluster, owner, control, ct),
            PinnedReaders = watchTheOwner ? [owner.BaseAddress] : [],
        };

        var result = await LinearizabilityScenario.RunAsync(options);
        var summary = $"seed {options.Seed}\n{result.Summary()}";
        output.WriteLine(summary);

        Assert.True(result.Unexpected.Count == 0, "answers outside the contract:\n" + string.Join("\n", result.Unexpected.Take(20)));
        Assert.True(result.History.Count >= options.MinOperations, $"only {result.History.Count} operations were recorded\n{summary}");
        Assert.True(result.Verdict.IsLinearizable, summary);
    }
}
