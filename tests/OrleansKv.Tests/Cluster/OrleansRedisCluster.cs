using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;
using OrleansKv.Grains;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Hosting;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Cluster;

/// <summary>
/// Orleans' classic <see cref="TestCluster"/> on a real redis-server of its own (or on a Redis given by its
/// connection string, such as a Redis Cluster): every silo clusters, keeps its grain directory and reminders and
/// stores its namespaces in Redis exactly as the server does (<see cref="SiloHosting.UseRedisCluster"/>), and the
/// cluster client finds the silos through Redis too. Each cluster has a fresh cluster id, so tests stay independent.
/// </summary>
internal sealed class OrleansRedisCluster : IAsyncDisposable
{
    private const string RedisKey = "OrleansKvTests:Redis";

    private readonly RedisServerProcess? _redis;

    private OrleansRedisCluster(RedisServerProcess? redis, TestCluster cluster)
    {
        _redis = redis;
        Cluster = cluster;
    }

    /// <summary>The redis-server this cluster started (not one given to <see cref="StartOnAsync"/>).</summary>
    public RedisServerProcess Redis => _redis ?? throw new InvalidOperationException("This cluster runs on a Redis it does not own.");

    public TestCluster Cluster { get; }

    public IGrainFactory Client => Cluster.GrainFactory;

    public static async Task<OrleansRedisCluster> StartAsync(short silos, bool persistentRedis = false)
    {
        var redis = await RedisServerProcess.StartAsync(persistentRedis);
        try
        {
            return await DeployAsync(redis.ConnectionString, silos, redis);
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>Silos on the Redis at <paramref name="connectionString"/>, which the cluster neither starts nor stops.</summary>
    public static Task<OrleansRedisCluster> StartOnAsync(string connectionString, short silos) => DeployAsync(connectionString, silos, null);

    private static async Task<OrleansRedisCluster> DeployAsync(string connectionString, short silos, RedisServerProcess? owned)
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ClusterId = "kv-" + Guid.NewGuid().ToString("N")[..8];
        builder.Options.ServiceId = builder.Options.ClusterId;
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?> { [RedisKey] = connectionString }));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return new OrleansRedisCluster(owned, cluster);
    }

    /// <summary>The grain factory of one silo: calls made there start from that silo.</summary>
    public IGrainFactory GrainsOf(SiloHandle silo) => Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<IGrainFactory>();

    public IServiceProvider ServicesOf(SiloHandle silo) => Cluster.GetSiloServiceProvider(silo.SiloAddress);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var redis = siloBuilder.Configuration[RedisKey]!;
            var clustering = new ClusteringOptions { RedisUrl = redis };
            siloBuilder.AddNamespaceGrains(o => o.OwnershipLease = TimeSpan.FromMilliseconds(clustering.OwnershipLeaseMs));
            siloBuilder.UseRedisCluster(redis + ",abortConnect=false", clustering, new StorageOptions());
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseRedisClustering(configuration[RedisKey]! + ",abortConnect=false");
    }
}
