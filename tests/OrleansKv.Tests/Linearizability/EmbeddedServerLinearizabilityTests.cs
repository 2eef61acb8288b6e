using OrleansKv.Tests.ProcessTests;
using Xunit.Abstractions;

namespace OrleansKv.Tests.Linearizability;

/// <summary>
/// The consistency guarantee against the real binary: six clients race reads, writes, conditional writes and deletes
/// on four keys of one namespace over HTTP, and the recorded history must be linearizable per key.
/// </summary>
public sealed class EmbeddedServerLinearizabilityTests
{
    private const string Token = "linearizability-token";

    private readonly ITestOutputHelper _output;

    public EmbeddedServerLinearizabilityTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task EmbeddedServerHistoryIsLinearizablePerKey()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["TOKEN"] = Token });
        var options = new ScenarioOptions([server.BaseAddress], Token, ["lin/a", "lin/b", "lin/c", "lin/d"]);

        var result = await LinearizabilityScenario.RunAsync(options);
        var summary = $"seed {options.Seed}\n{result.Summary()}";
        _output.WriteLine(summary);

        Assert.True(result.Unexpected.Count == 0, "answers outside the contract:\n" + string.Join("\n", result.Unexpected.Take(20)));
        var serverOutput = server.Output[^Math.Min(server.Output.Length, 2000)..];
        Assert.True(result.History.Count >= options.MinOperations, $"only {result.History.Count} operations were recorded\n{summary}");

        // Nothing fails on purpose here: outcomes left unknown (timeouts, 5xx, lost connections) point at a problem.
        var unknown = result.History.Count(o => o.IsUnknown);
        Assert.True(unknown <= result.History.Count / 100, $"{unknown} outcomes unknown without a fault\n{summary}\n{serverOutput}");
        Assert.True(result.Verdict.IsLinearizable, summary + "\n" + serverOutput);
    }
}
