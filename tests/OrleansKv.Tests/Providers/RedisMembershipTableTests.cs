using OrleansKv.Runtime;
using OrleansKv.Runtime.Redis;
using static OrleansKv.Tests.Providers.ProviderTestData;

namespace OrleansKv.Tests.Providers;

/// <summary>The membership contract against Redis, plus where its keys land.</summary>
public sealed class RedisMembershipTableTests(RedisServerFixture fixture) : MembershipTableContractTests, IClassFixture<RedisServerFixture>
{
    private RedisProviders? _redis;

    private RedisProviders Redis => _redis!;

    protected override Task<IMembershipTable> CreateTableAsync()
    {
        _redis = RedisProviders.Create(fixture.Server.ConnectionString);
        return Task.FromResult<IMembershipTable>(_redis.Membership);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheTableIsOneHashUnderTheClusterTagWithVersionRowAndHeartbeatFields()
    {
        var silo = Silo(1);
        await Write(Entry(silo, SiloStatus.Active), 0);
        await Table.UpdateIAmAliveAsync(silo, T0.AddSeconds(1), CancellationToken.None);

        var key = $"okv:{{{Redis.ClusterId}}}:members";
        Assert.Equal([key], await Redis.ScanAsync($"*{Redis.ClusterId}*"));
        Assert.Equal("hash", await Redis.TypeAsync(key));
        var fields = await Redis.HashAsync(key);
        Assert.Equal(["alive:10.0.0.1:11111@1", "row:10.0.0.1:11111@1", "version"], fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("1", fields["version"]);
        Assert.Equal(T0.AddSeconds(1).UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture), fields["alive:10.0.0.1:11111@1"]);
        Assert.Contains("\"silo\":\"10.0.0.1:11111@1\"", fields["row:10.0.0.1:11111@1"], StringComparison.Ordinal);
        Assert.Contains("\"status\":\"Active\"", fields["row:10.0.0.1:11111@1"], StringComparison.Ordinal);
        Assert.DoesNotContain("alive", fields["row:10.0.0.1:11111@1"], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ClustersSharingARedisDoNotSeeEachOther()
    {
        await using var other = RedisProviders.Create(fixture.Server.ConnectionString);
        await Write(Entry(Silo(1), SiloStatus.Active), 0);

        Assert.Empty((await other.Membership.ReadAllAsync(CancellationToken.None)).Entries);
        Assert.True(await other.Membership.TryWriteAsync(Entry(Silo(2), SiloStatus.Active), 0, CancellationToken.None));
        Assert.Equal(Silo(1), Assert.Single((await Read()).Entries).Silo);
    }

    [Fact]
    public async Task AMalformedRowIsSkippedAndItsSiloCanWriteItAgain()
    {
        await Write(Entry(Silo(1), SiloStatus.Active), 0);
        await Write(Entry(Silo(2), SiloStatus.Active), 1);
        await Redis.ExecuteAsync("HSET", $"okv:{{{Redis.ClusterId}}}:members", "row:10.0.0.2:11111@1", "{not json");

        var data = await Read();
        Assert.Equal(Silo(1), Assert.Single(data.Entries).Silo);

        Assert.True(await Write(Entry(Silo(2), SiloStatus.Active), data.Version));
        Assert.Equal(2, (await Read()).Entries.Count);
    }

    [Fact]
    public async Task AMalformedVersionFailsWithAClearError()
    {
        await Redis.ExecuteAsync("HSET", $"okv:{{{Redis.ClusterId}}}:members", "version", "banana");

        var error = await Assert.ThrowsAsync<RedisProviderException>(Read);
        Assert.Contains("version", error.Message, StringComparison.Ordinal);
    }
}
