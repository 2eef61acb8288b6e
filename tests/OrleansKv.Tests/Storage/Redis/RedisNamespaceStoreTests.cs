using Microsoft.Extensions.Logging.Abstractions;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Redis;
using StackExchange.Redis;

namespace OrleansKv.Tests.Storage.Redis;

/// <summary>
/// The contract scenarios against the Redis store on a real redis-server (one per class; every test works in fresh
/// namespaces under a key prefix of its own), plus what only Redis has, in the other parts of this class.
/// </summary>
public sealed partial class RedisNamespaceStoreTests(RedisServerFixture redis) : NamespaceStoreContractTests, IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..12] + ":";

    private RedisNamespaceStore Redis => (RedisNamespaceStore)Store;

    private IDatabase Admin => redis.Admin.GetDatabase();

    protected override Task<INamespaceStore> CreateStoreAsync() => Task.FromResult<INamespaceStore>(NewStore(redis.Server.ConnectionString));

    private RedisNamespaceStore NewStore(string connectionString, Action<RedisStoreOptions>? configure = null)
    {
        var options = new RedisStoreOptions { ConfigurationString = connectionString, KeyPrefix = _prefix };
        configure?.Invoke(options);
        return new RedisNamespaceStore(options, NullLogger<RedisNamespaceStore>.Instance);
    }
}
