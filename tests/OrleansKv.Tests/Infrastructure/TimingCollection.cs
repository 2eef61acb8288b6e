namespace OrleansKv.Tests.Infrastructure;

/// <summary>
/// Tests that compare latencies run in this collection: xUnit runs it after the parallel ones and alone, so the
/// other tests of the suite do not take the cores the measurement is about.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
