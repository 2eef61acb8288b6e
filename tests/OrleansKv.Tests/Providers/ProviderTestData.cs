using System.Collections.Immutable;
using OrleansKv.Runtime;

namespace OrleansKv.Tests.Providers;

/// <summary>Addresses, times and comparisons shared by the provider contract tests.</summary>
internal static class ProviderTestData
{
    /// <summary>A fixed instant with sub-millisecond ticks, to show heartbeats and start times keep full precision.</summary>
    public static readonly DateTimeOffset T0 = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    /// <summary>A whole-millisecond instant for reminders (both reminder tables store milliseconds).</summary>
    public static readonly DateTimeOffset R0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static SiloAddress Silo(int n, long generation = 1) => new($"10.0.0.{n}", 11111, generation);

    public static MembershipEntry Entry(SiloAddress silo, SiloStatus status, DateTimeOffset? alive = null, params SuspectVote[] votes) =>
        new(silo, status, "silo-" + silo.Host, T0, alive ?? T0, [.. votes]);

    /// <summary>Field-by-field equality (records compare an ImmutableArray by reference).</summary>
    public static void AssertSameEntry(MembershipEntry expected, MembershipEntry? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Silo, actual.Silo);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Equal(expected.Suspicions.AsEnumerable(), actual.Suspicions.AsEnumerable());
    }

    public static ImmutableArray<SuspectVote> Votes(params (int Voter, int Seconds)[] votes) =>
        [.. votes.Select(v => new SuspectVote(Silo(v.Voter), T0.AddSeconds(v.Seconds)))];
}
