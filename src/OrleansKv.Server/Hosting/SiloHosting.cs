using System.Net;
using System.Net.Sockets;
using Orleans.Configuration;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Redis;
using OrleansKv.Grains.Storage.Sqlite;
using OrleansKv.Grains.Tokens;
using OrleansKv.Providers.Sqlite;
using OrleansKv.Server.Configuration;
using StackExchange.Redis;

namespace OrleansKv.Server.Hosting;

/// <summary>
/// The Orleans silo co-hosted in the server process: embedded (one silo on loopback, SQLite) or cluster (Redis for
/// membership, the grain directory, reminders and the namespace store).
/// </summary>
internal static class SiloHosting
{
    public static WebApplicationBuilder AddOrleansKvSilo(this WebApplicationBuilder builder, StartupSettings settings)
    {
        var (clustering, storage, limits) = (settings.Clustering, settings.Storage, settings.Limits);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clustering.ClusterId;
                o.ServiceId = clustering.ClusterId;
            });
            if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            {
                // Grain calls carry the caller's trace, so an exported trace runs from the request into the grain.
                silo.AddActivityPropagation();
            }

            var reminderPeriod = TimeSpan.FromSeconds(storage.TtlReminderPeriodSeconds);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = reminderPeriod < o.MinimumReminderPeriod ? reminderPeriod : o.MinimumReminderPeriod);
            silo.AddNamespaceGrains(o =>
            {
                o.MaxValueBytes = limits.MaxValueBytes;
                o.MaxKeys = limits.NamespaceMaxKeys;
                o.MaxBytes = limits.NamespaceMaxBytes;
                o.TtlReminderPeriod = reminderPeriod;
                if (clustering.IsClustered)
                {
                    o.OwnershipLease = TimeSpan.FromMilliseconds(clustering.OwnershipLeaseMs);
                    o.MaxActivationLifetime = TimeSpan.FromMinutes(clustering.DirectoryEntryExpiryMinutes) / 2;
                }
            });
            if (clustering.IsClustered)
            {
                silo.ConfigureEndpoints(ResolveAdvertisedAddress(clustering.AdvertisedHost), clustering.SiloPort ?? 11111, gatewayPort: 0, listenOnAnyHostAddress: settings.Listeners.BindAddress == "0.0.0.0");
                silo.UseRedisCluster(clustering.RedisConnectionString, clustering, storage);
            }
            else
            {
                silo.UseEmbedded(clustering, storage);
            }
        });
        return builder;
    }

    /// <summary>One silo, no server: development clustering on loopback, no gateway, the SQLite store, and SQLite
    /// reminders and grain storage (tokens, namespace limits) beside it, so both survive a restart.</summary>
    private static void UseEmbedded(this ISiloBuilder silo, ClusteringOptions clustering, StorageOptions storage)
    {
        silo.UseLocalhostClustering(clustering.SiloPort ?? FreeLoopbackPort(), gatewayPort: 0, serviceId: clustering.ClusterId, clusterId: clustering.ClusterId);
        var synchronous = storage.Durability == DurabilityMode.Full ? SqliteSynchronousMode.Full : SqliteSynchronousMode.Normal;
        silo.UseSqliteReminderService(o =>
        {
            o.DatabasePath = Path.Combine(storage.DataDirectory, "orleans-reminders.db");
            o.Synchronous = synchronous;
        });
        silo.AddSqliteGrainStorage(TokenGrain.StorageName, o =>
        {
            o.DatabasePath = Path.Combine(storage.DataDirectory, "orleans-grains.db");
            o.Synchronous = synchronous;
        });
        silo.AddSqliteGrainStorage(NamespaceGrain.LimitsStorageName, o =>
        {
            o.DatabasePath = Path.Combine(storage.DataDirectory, "orleans-namespaces.db");
            o.Synchronous = synchronous;
        });
        silo.Services.AddSqliteNamespaceStore(o =>
        {
            o.Compression = storage.Compression;
            o.DataDirectory = storage.DataDirectory;
            o.Durability = storage.Durability == DurabilityMode.Full ? SqliteDurability.Full : SqliteDurability.Relaxed;
        });
    }

    /// <summary>
    /// Cluster mode on the Redis at <paramref name="configuration"/> (a StackExchange.Redis configuration string):
    /// membership, the grain directory, reminders and the namespace store. Orleans' providers share one connection; the
    /// namespace store has its own, so a burst of data traffic never queues a membership heartbeat behind it. The
    /// silo's endpoints are configured by the caller (the server from its settings, the test cluster by itself).
    /// </summary>
    internal static void UseRedisCluster(this ISiloBuilder silo, string configuration, ClusteringOptions clustering, StorageOptions storage)
    {
        var cluster = new SharedRedisConnection(configuration);
        silo.Services.AddSingleton(cluster);
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromMilliseconds(clustering.ProbeTimeoutMs);
            o.MaxProbeTimeout = TimeSpan.FromMilliseconds(clustering.MaxProbeTimeoutMs);
            o.NumMissedProbesLimit = clustering.MissedProbesLimit;
        });
        silo.UseRedisClustering(o =>
        {
            o.ConfigurationOptions = cluster.Options;
            o.CreateMultiplexer = _ => cluster.GetAsync();
        });
        silo.UseRedisGrainDirectoryAsDefault(o =>
        {
            o.ConfigurationOptions = cluster.Options;
            o.CreateMultiplexer = _ => cluster.GetAsync();
            o.EntryExpiry = TimeSpan.FromMinutes(clustering.DirectoryEntryExpiryMinutes);
        });
        silo.UseRedisReminderService(o =>
        {
            o.ConfigurationOptions = cluster.Options;
            o.CreateMultiplexer = _ => cluster.GetAsync();
        });
        silo.AddRedisGrainStorage(TokenGrain.StorageName, o =>
        {
            o.ConfigurationOptions = cluster.Options;
            o.CreateMultiplexer = _ => cluster.GetAsync();
        });
        silo.AddRedisGrainStorage(NamespaceGrain.LimitsStorageName, o =>
        {
            o.ConfigurationOptions = cluster.Options;
            o.CreateMultiplexer = _ => cluster.GetAsync();
        });
        silo.Services.AddRedisNamespaceStore(o =>
        {
            o.ConfigurationString = configuration;
            o.Compression = storage.Compression;
            o.WaitReplicas = clustering.RedisWaitReplicas;
        });
    }

    private static IPAddress ResolveAdvertisedAddress(string host) =>
        IPAddress.TryParse(host, out var address)
            ? address
            : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? throw new InvalidConfigurationException($"ADVERTISED_HOST '{host}' does not resolve to an IPv4 address.");

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The one Redis connection Orleans' cluster providers share in a silo; connected on first use, closed with the host.</summary>
internal sealed class SharedRedisConnection(string configuration) : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _multiplexer = new(() => ConnectionMultiplexer.ConnectAsync(configuration));

    public ConfigurationOptions Options { get; } = ConfigurationOptions.Parse(configuration);

    public async Task<(IConnectionMultiplexer Multiplexer, bool IsShared)> GetAsync() => (await _multiplexer.Value.ConfigureAwait(false), true);

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully)
        {
            await _multiplexer.Value.Result.DisposeAsync().ConfigureAwait(false);
        }
    }
}
