using OrleansKv.Runtime;

namespace OrleansKv.Tests.Providers;

/// <summary>The directory contract against Redis, plus its key per grain.</summary>
public sealed class RedisGrainDirectoryTests(RedisServerFixture fixture) : GrainDirectoryContractTests, IClassFixture<RedisServerFixture>
{
    private RedisProviders? _redis;

    private RedisProviders Redis => _redis!;

    protected override Task<IGrainDirectory> CreateDirectoryAsync()
    {
        _redis = RedisProviders.Create(fixture.Server.ConnectionString);
        return Task.FromResult<IGrainDirectory>(_redis.Directory);
    }

    public override async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task EachGrainIsOneStringKeyTaggedByItsGrainId()
    {
        await Register(Address(Grain("a"), 1, 7));
        await Register(Address(Grain("b"), 2, -8));

        var prefix = $"okv:{Redis.ClusterId}:dir:";
        Assert.Equal([prefix + "{ns/a}", prefix + "{ns/b}"], await Redis.ScanAsync($"*{Redis.ClusterId}*"));
        Assert.Equal("string", await Redis.TypeAsync(prefix + "{ns/a}"));
        Assert.Equal("10.0.0.1:11111@1#7", await Redis.StringAsync(prefix + "{ns/a}"));
        Assert.Equal("10.0.0.2:11111@1#-8", await Redis.StringAsync(prefix + "{ns/b}"));
    }

    [Fact]
    public async Task UnregisterDeletesTheKey()
    {
        var address = Address(Grain("gone"), 1, 1);
        await Register(address);

        await Directory.UnregisterAsync(address, CancellationToken.None);

        Assert.Empty(await Redis.ScanAsync($"*{Redis.ClusterId}*"));
    }

    [Fact]
    public async Task ClustersSharingARedisHaveSeparateDirectories()
    {
        await using var other = RedisProviders.Create(fixture.Server.ConnectionString);
        var mine = Address(Grain(), 1, 1);
        var theirs = Address(Grain(), 2, 2);

        await Register(mine);

        Assert.Equal(theirs, await other.Directory.RegisterAsync(theirs, null, CancellationToken.None));
        Assert.Equal(mine, await Lookup(Grain()));
    }
}
