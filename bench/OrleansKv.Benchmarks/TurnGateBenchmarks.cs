using BenchmarkDotNet.Attributes;
using OrleansKv.Runtime;
using OrleansKv.Runtime.Activations;

namespace OrleansKv.Benchmarks;

/// <summary>The activation mailbox: admitting and ending one turn when nothing else is running (the common case).</summary>
public class TurnGateBenchmarks
{
    private readonly TurnGate _gate = new(new GrainId("ns", "bench"));

    [Benchmark(Description = "exclusive turn: enter + exit")]
    public void ExclusiveEnterExit()
    {
        var entered = _gate.EnterAsync(exclusive: true, CancellationToken.None);
        if (!entered.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("an uncontended gate admits at once");
        }

        _gate.Exit(entered.Result);
    }

    [Benchmark(Description = "read-only turn: enter + exit")]
    public void ReadOnlyEnterExit()
    {
        var entered = _gate.EnterAsync(exclusive: false, CancellationToken.None);
        if (!entered.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("an uncontended gate admits at once");
        }

        _gate.Exit(entered.Result);
    }
}
