using Microsoft.Extensions.Logging.Abstractions;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Redis;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Storage.Redis;

/// <summary>
/// The contract scenarios once more against a three-master Redis Cluster, where every claim, commit and read must
/// address keys of one slot and the client follows the slot to its master: the proof that the <c>{ns}</c> hash tag
/// layout and the scripts are legal on Redis Cluster, and that namespaces spread over the masters.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterNamespaceStoreTests(RedisClusterFixture cluster) : NamespaceStoreContractTests
{
    private readonly string _prefix = "c" + Guid.NewGuid().ToString("N")[..12] + ":";

    protected override Task<INamespaceStore> CreateStoreAsync() => Task.FromResult<INamespaceStore>(
        new RedisNamespaceStore(new RedisStoreOptions { ConfigurationString = cluster.ConnectionString, KeyPrefix = _prefix }, NullLogger<RedisNamespaceStore>.Instance));

    [Fact]
    public async Task TheClusterRefusesAScriptWhoseKeysSpanSlots()
    {
        var database = cluster.Admin.GetDatabase();

        // Same script, keys of one slot: accepted. The client or the server refuses keys of two slots.
        Assert.Equal(2, (long)await database.ScriptEvaluateAsync("return #KEYS", ["{a}x", "{a}y"]));
        await Assert.ThrowsAnyAsync<Exception>(() => database.ScriptEvaluateAsync("return #KEYS", ["{a}x", "{b}y"]));
    }

    [Fact]
    public async Task NamespacesSpreadOverEveryMasterEachWhollyOnTheMasterOfItsSlot()
    {
        var store = (RedisNamespaceStore)Store;
        var owners = new HashSet<int>();
        for (var i = 0; i < 24; i++)
        {
            var session = await Open();
            await session.Put("k", "v");
            await session.Put("other", "w");
            var keys = store.KeysOf(session.Ns);
            var master = await cluster.MasterOfSlotAsync(RedisHashSlot.Of(keys.Meta.ToString()));
            owners.Add(master.Port);

            // The meta hash, the index, both entries and their contents: all on that master, in the namespace's slot.
            var inSlot = await master.TrySendAsync($"CLUSTER COUNTKEYSINSLOT {RedisHashSlot.Of(keys.Meta.ToString())}");
            Assert.True(long.Parse(inSlot![1..].Trim(), System.Globalization.CultureInfo.InvariantCulture) >= 6, inSlot);
            Assert.StartsWith(":1", await master.TrySendAsync($"EXISTS {keys.Meta}"), StringComparison.Ordinal);
            Assert.StartsWith(":1", await master.TrySendAsync($"EXISTS {keys.Index}"), StringComparison.Ordinal);
        }

        Assert.Equal(3, owners.Count);
    }
}
