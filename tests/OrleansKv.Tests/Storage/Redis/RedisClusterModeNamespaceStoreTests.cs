using Microsoft.Extensions.Logging.Abstractions;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Redis;
using StackExchange.Redis;

namespace OrleansKv.Tests.Storage.Redis;

/// <summary>
/// The contract scenarios once more against Redis in cluster mode, where every claim, commit and read must address
/// keys of one slot: the proof that the <c>{ns}</c> hash tag layout and the scripts are legal on Redis Cluster.
/// </summary>
public sealed class RedisClusterModeNamespaceStoreTests(RedisClusterNodeFixture cluster) : NamespaceStoreContractTests, IClassFixture<RedisClusterNodeFixture>
{
    protected override Task<INamespaceStore> CreateStoreAsync() => Task.FromResult<INamespaceStore>(
        new RedisNamespaceStore(new RedisStoreOptions { ConfigurationString = cluster.ConnectionString }, NullLogger<RedisNamespaceStore>.Instance));

    [Fact]
    public async Task TheNodeRefusesAScriptWhoseKeysSpanSlots()
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString);
        var database = connection.GetDatabase();

        // Same script, keys of one slot: accepted. The client or the server refuses keys of two slots.
        Assert.Equal(2, (long)await database.ScriptEvaluateAsync("return #KEYS", ["{a}x", "{a}y"]));
        await Assert.ThrowsAnyAsync<Exception>(() => database.ScriptEvaluateAsync("return #KEYS", ["{a}x", "{b}y"]));
    }
}
