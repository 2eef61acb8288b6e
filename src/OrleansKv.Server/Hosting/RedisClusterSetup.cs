using OrleansKv.Grains.Storage.Redis;
using OrleansKv.Runtime;
using OrleansKv.Runtime.Redis;
using OrleansKv.Server.Configuration;
using StackExchange.Redis;

namespace OrleansKv.Server.Hosting;

/// <summary>
/// The one Redis connection a clustered silo shares between its cluster providers (membership, directory,
/// reminders) and its namespace store. Owned here: the providers and the store are told it is shared.
/// </summary>
internal sealed class SharedRedisConnection(string configuration) : IDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _multiplexer = new(() => ConnectionMultiplexer.Connect(configuration), LazyThreadSafetyMode.ExecutionAndPublication);

    public IConnectionMultiplexer Get() => _multiplexer.Value;

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated)
        {
            _multiplexer.Value.Dispose();
        }
    }
}

/// <summary>Cluster mode: Redis for membership, directory, reminders and storage; HTTP/2 between silos.</summary>
internal static class RedisClusterSetup
{
    public static void UseRedisCluster(this SiloBuilder silo, ServerOptions options)
    {
        if (!RedisUrl.TryNormalize(options.RedisUrl, out var configuration, out var problem))
        {
            throw new InvalidConfigurationException(problem!);
        }

        var services = silo.Services;
        services.AddSingleton(new SharedRedisConnection(configuration));
        silo.UseRedisClustering(_ => { });
        services.AddOptions<RedisClusteringOptions>().Configure<SharedRedisConnection>((o, shared) =>
        {
            o.CreateMultiplexer = shared.Get;
            o.IsShared = true;
        });
        services.AddRedisNamespaceStore(_ => { });
        services.AddOptions<RedisStoreOptions>().Configure<SharedRedisConnection>((o, shared) =>
        {
            o.CreateMultiplexer = shared.Get;
            o.IsShared = true;
        });
        silo.UseSiloNetworking();
    }
}
