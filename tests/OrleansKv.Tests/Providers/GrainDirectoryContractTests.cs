using OrleansKv.Runtime;
using static OrleansKv.Tests.Providers.ProviderTestData;

namespace OrleansKv.Tests.Providers;

/// <summary>
/// What every <see cref="IGrainDirectory"/> must do: register once, replace only by compare, unregister only by
/// compare. A backend's test class derives from this and creates a fresh, empty directory per test.
/// </summary>
public abstract class GrainDirectoryContractTests : IAsyncLifetime
{
    private IGrainDirectory? _directory;

    protected IGrainDirectory Directory => _directory ?? throw new InvalidOperationException("The directory is created in InitializeAsync.");

    /// <summary>Creates an empty directory of the backend under test.</summary>
    protected abstract Task<IGrainDirectory> CreateDirectoryAsync();

    public virtual async Task InitializeAsync() => _directory = await CreateDirectoryAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static GrainId Grain(string key = "tenant") => new("ns", key);

    protected static GrainAddress Address(GrainId grain, int silo, long activation) => new(grain, Silo(silo), activation);

    [Fact]
    public async Task LookupOfAnUnregisteredGrainIsNull()
    {
        Assert.Null(await Lookup(Grain()));
    }

    [Fact]
    public async Task FirstRegistrationWinsAndIsWhatLookupReturns()
    {
        var address = Address(Grain(), 1, 100);

        Assert.Equal(address, await Register(address));

        Assert.Equal(address, await Lookup(Grain()));
    }

    [Fact]
    public async Task ASecondActivationGetsTheRegisteredOneBack()
    {
        var first = Address(Grain(), 1, 100);
        await Register(first);

        Assert.Equal(first, await Register(Address(Grain(), 2, 200)));
        Assert.Equal(first, await Register(Address(Grain(), 1, 101)));

        Assert.Equal(first, await Lookup(Grain()));
    }

    [Fact]
    public async Task RegisteringTheSameAddressAgainSucceeds()
    {
        var address = Address(Grain(), 1, 100);
        await Register(address);

        Assert.Equal(address, await Register(address));
    }

    [Fact]
    public async Task TwentyConcurrentActivationsRegisterExactlyOne()
    {
        var candidates = Enumerable.Range(1, 20).Select(n => Address(Grain(), n, n * 1000)).ToList();

        var winners = await Task.WhenAll(candidates.Select(a => Task.Run(() => Register(a))));

        var winner = Assert.Single(winners.Distinct());
        Assert.Contains(winner, candidates);
        Assert.Equal(winner, await Lookup(Grain()));
    }

    [Fact]
    public async Task RegisteringWithTheCurrentEntryAsPreviousReplacesIt()
    {
        var stale = Address(Grain(), 1, 100);
        await Register(stale);
        var fresh = Address(Grain(), 2, 200);

        Assert.Equal(fresh, await Register(fresh, previous: stale));

        Assert.Equal(fresh, await Lookup(Grain()));
    }

    [Fact]
    public async Task RegisteringWithAPreviousThatNoLongerMatchesReturnsTheCurrentEntry()
    {
        var stale = Address(Grain(), 1, 100);
        await Register(stale);
        var replacement = Address(Grain(), 2, 200);
        await Register(replacement, previous: stale);

        Assert.Equal(replacement, await Register(Address(Grain(), 3, 300), previous: stale));
        Assert.Equal(replacement, await Register(Address(Grain(), 3, 300), previous: stale with { ActivationId = 200 }));

        Assert.Equal(replacement, await Lookup(Grain()));
    }

    [Fact]
    public async Task TwentyConcurrentReplacementsOfAStaleEntryHaveOneWinner()
    {
        var stale = Address(Grain(), 1, 100);
        await Register(stale);
        var candidates = Enumerable.Range(2, 20).Select(n => Address(Grain(), n, n * 1000)).ToList();

        var winners = await Task.WhenAll(candidates.Select(a => Task.Run(() => Register(a, previous: stale))));

        var winner = Assert.Single(winners.Distinct());
        Assert.Contains(winner, candidates);
        Assert.Equal(winner, await Lookup(Grain()));
    }

    [Fact]
    public async Task RegisteringWithAPreviousWhenTheEntryIsGoneRegisters()
    {
        var stale = Address(Grain(), 1, 100);
        var fresh = Address(Grain(), 2, 200);

        Assert.Equal(fresh, await Register(fresh, previous: stale));

        Assert.Equal(fresh, await Lookup(Grain()));
    }

    [Fact]
    public async Task UnregisterRemovesOnlyTheExactRegistration()
    {
        var current = Address(Grain(), 1, 100);
        await Register(current);

        await Directory.UnregisterAsync(current with { ActivationId = 99 }, CancellationToken.None);
        await Directory.UnregisterAsync(current with { Silo = Silo(1, generation: 2) }, CancellationToken.None);
        await Directory.UnregisterAsync(Address(Grain(), 2, 100), CancellationToken.None);
        Assert.Equal(current, await Lookup(Grain()));

        await Directory.UnregisterAsync(current, CancellationToken.None);
        Assert.Null(await Lookup(Grain()));
    }

    [Fact]
    public async Task UnregisterOfAnUnknownGrainDoesNothing()
    {
        await Directory.UnregisterAsync(Address(Grain("nobody"), 1, 1), CancellationToken.None);

        Assert.Null(await Lookup(Grain("nobody")));
    }

    [Fact]
    public async Task AStaleEntryRemovedByCompareLetsTheNextActivationRegister()
    {
        // GrainLocator's path: the entry points at a dead silo, so it is unregistered by compare, then re-placed.
        var stale = Address(Grain(), 1, 100);
        await Register(stale);
        var fresh = Address(Grain(), 2, 200);
        await Register(fresh, previous: stale);

        await Directory.UnregisterAsync(stale, CancellationToken.None);
        Assert.Equal(fresh, await Lookup(Grain()));
    }

    [Fact]
    public async Task GrainsAreIndependentWhateverTheirKeys()
    {
        string[] keys = ["", "a", "a/b", "{braces}", "}{", "x:y", "ünï cödé", new string('k', 500)];
        var addresses = keys.Select((k, i) => Address(Grain(k), i + 1, long.MaxValue - i)).ToList();

        foreach (var address in addresses)
        {
            Assert.Equal(address, await Register(address));
        }

        foreach (var address in addresses)
        {
            Assert.Equal(address, await Lookup(address.GrainId));
        }

        await Directory.UnregisterAsync(addresses[1], CancellationToken.None);
        Assert.Null(await Lookup(addresses[1].GrainId));
        Assert.Equal(addresses[2], await Lookup(addresses[2].GrainId));
        Assert.Null(await Lookup(new GrainId("other-type", "a")));
    }

    [Fact]
    public async Task SiloAddressesOfEveryShapeRoundTrip()
    {
        var ipv6 = new GrainAddress(Grain("v6"), new SiloAddress("fe80::1", 11111, 638_000_000_000_000), -5);
        var named = new GrainAddress(Grain("dns"), new SiloAddress("silo-0.orleans-kv.default.svc", 65535, 1), 0);

        await Register(ipv6);
        await Register(named);

        Assert.Equal(ipv6, await Lookup(ipv6.GrainId));
        Assert.Equal(named, await Lookup(named.GrainId));
    }

    protected Task<GrainAddress> Register(GrainAddress address, GrainAddress? previous = null) =>
        Directory.RegisterAsync(address, previous, CancellationToken.None);

    protected Task<GrainAddress?> Lookup(GrainId grain) => Directory.LookupAsync(grain, CancellationToken.None);
}
