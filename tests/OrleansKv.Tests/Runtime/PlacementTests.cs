using OrleansKv.Runtime;

namespace OrleansKv.Tests.Runtime;

public sealed class PlacementTests
{
    private static MembershipSnapshot Active(params SiloAddress[] silos) =>
        new(1, silos.Select(s => KeyValuePair.Create(s, SiloStatus.Active)));

    private static readonly SiloAddress A = new("10.0.0.1", 11111, 1);
    private static readonly SiloAddress B = new("10.0.0.2", 11111, 1);
    private static readonly SiloAddress C = new("10.0.0.3", 11111, 1);

    [Fact]
    public void EverySiloComputesTheSameOwnerAndGrainsSpreadEvenly()
    {
        var placement = new RendezvousPlacementDirector();
        var grains = Enumerable.Range(0, 3000).Select(i => new GrainId("ns", $"tenant-{i}")).ToList();
        var owners = grains.Select(g => placement.PickSilo(g, Active(A, B, C))).ToList();
        var reordered = grains.Select(g => placement.PickSilo(g, Active(C, A, B))).ToList();

        Assert.Equal(owners, reordered);
        foreach (var silo in new[] { A, B, C })
        {
            var share = owners.Count(o => o == silo);
            Assert.InRange(share, 800, 1200);
        }
    }

    [Fact]
    public void RemovingASiloMovesOnlyItsOwnGrains()
    {
        var placement = new RendezvousPlacementDirector();
        var grains = Enumerable.Range(0, 2000).Select(i => new GrainId("ns", $"t{i}")).ToList();
        var before = grains.ToDictionary(g => g, g => placement.PickSilo(g, Active(A, B, C)));
        var after = grains.ToDictionary(g => g, g => placement.PickSilo(g, Active(A, B)));

        Assert.All(grains.Where(g => before[g] != C), g => Assert.Equal(before[g], after[g]));
        Assert.All(grains, g => Assert.NotEqual(C, after[g]));
    }

    [Fact]
    public void ARestartedSiloOnTheSameEndpointGetsItsGrainsBack()
    {
        var placement = new RendezvousPlacementDirector();
        var restarted = B with { Generation = 99 };
        var grains = Enumerable.Range(0, 500).Select(i => new GrainId("ns", $"r{i}")).ToList();

        Assert.All(grains, g => Assert.Equal(
            placement.PickSilo(g, Active(A, B, C)).Endpoint,
            placement.PickSilo(g, Active(A, restarted, C)).Endpoint));
    }

    [Fact]
    public void NoActiveSiloIsARoutingFailure() =>
        Assert.Throws<NoActiveSilosException>(() => new RendezvousPlacementDirector().PickSilo(new GrainId("ns", "x"), Active()));

    [Theory]
    [InlineData("10.1.2.3:11111@42")]
    [InlineData("silo-0.orleans-kv.default.svc:11111@1795314459171")]
    public void SiloAddressRoundTrips(string text)
    {
        Assert.True(SiloAddress.TryParse(text, out var address));
        Assert.Equal(text, address!.ToString());
    }

    [Fact]
    public void GrainIdRoundTripsWithSlashesInTheKey()
    {
        Assert.True(GrainId.TryParse("ns/a/b/c", out var id));
        Assert.Equal(new GrainId("ns", "a/b/c"), id);
        Assert.False(GrainId.TryParse("noslash", out _));
    }

    [Fact]
    public async Task DirectoryRegistersOnceAndUnregistersOnlyTheSameActivation()
    {
        var directory = new InMemoryGrainDirectory();
        var id = new GrainId("ns", "d");
        var first = new GrainAddress(id, A, 1);
        var second = new GrainAddress(id, B, 2);

        Assert.Equal(first, await directory.RegisterAsync(first, null, CancellationToken.None));
        Assert.Equal(first, await directory.RegisterAsync(second, null, CancellationToken.None));
        await directory.UnregisterAsync(second, CancellationToken.None);
        Assert.Equal(first, await directory.LookupAsync(id, CancellationToken.None));
        Assert.Equal(second, await directory.RegisterAsync(second, first, CancellationToken.None));
        await directory.UnregisterAsync(first, CancellationToken.None);
        Assert.Equal(second, await directory.LookupAsync(id, CancellationToken.None));
    }
}
