using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.ProcessTests;

namespace OrleansKv.Tests.Cluster;

/// <summary>
/// N real server processes clustered through one real redis-server (or a Redis given by its REDIS_URL, such as a
/// Sentinel group), each on its own ports, under a fresh cluster id. Disposing stops every process that is still
/// running, then the Redis it started.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    private readonly RedisServerProcess? _redis;

    private ProcessCluster(RedisServerProcess? redis, List<ServerProcess> silos, string clusterId, Dictionary<ServerProcess, int> siloPorts)
    {
        _redis = redis;
        Silos = silos;
        ClusterId = clusterId;
        _siloPorts = siloPorts;
    }

    private readonly Dictionary<ServerProcess, int> _siloPorts;

    public string ClusterId { get; }

    /// <summary>The redis-server this cluster started (not one given to <see cref="StartOnAsync"/>).</summary>
    public RedisServerProcess Redis => _redis ?? throw new InvalidOperationException("This cluster runs on a Redis it does not own.");

    public List<ServerProcess> Silos { get; }

    /// <summary>Starts <paramref name="count"/> silos with <paramref name="environment"/> added to each one's and waits until
    /// every silo sees all of them Active.</summary>
    public static async Task<ProcessCluster> StartAsync(int count, IReadOnlyDictionary<string, string>? environment = null, bool persistentRedis = true)
    {
        var redis = await RedisServerProcess.StartAsync(persistentRedis);
        return await StartCoreAsync(redis.ConnectionString, redis, count, environment);
    }

    /// <summary>As <see cref="StartAsync"/>, on the Redis at <paramref name="redisUrl"/>, which the cluster neither starts nor stops.</summary>
    public static Task<ProcessCluster> StartOnAsync(string redisUrl, int count, IReadOnlyDictionary<string, string>? environment = null) =>
        StartCoreAsync(redisUrl, null, count, environment);

    private static async Task<ProcessCluster> StartCoreAsync(string redisUrl, RedisServerProcess? redis, int count, IReadOnlyDictionary<string, string>? environment)
    {
        var clusterId = "proc-" + Guid.NewGuid().ToString("N")[..8];
        var silos = new List<ServerProcess>();
        var siloPorts = new Dictionary<ServerProcess, int>();
        var cluster = new ProcessCluster(redis, silos, clusterId, siloPorts);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var siloPort = ServerProcess.FreePort();
                var settings = new Dictionary<string, string>
                {
                    ["REDIS_URL"] = redisUrl,
                    ["CLUSTER_ID"] = clusterId,
                    ["SILO_PORT"] = siloPort.ToString(CultureInfo.InvariantCulture),
                    ["ADVERTISED_HOST"] = "127.0.0.1",
                    ["LOG_LEVEL"] = "Warning",
                };
                foreach (var (name, value) in environment ?? new Dictionary<string, string>())
                {
                    settings[name] = value;
                }

                var silo = await ServerProcess.StartAsync(settings);
                silos.Add(silo);
                siloPorts[silo] = siloPort;
            }

            await WaitForClusterSizeAsync(silos, count);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until each of <paramref name="silos"/> reports <paramref name="size"/> Active silos on /readyz.</summary>
    public static async Task WaitForClusterSizeAsync(IReadOnlyList<ServerProcess> silos, int size, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        foreach (var silo in silos)
        {
            using var client = silo.CreateClient();
            while (true)
            {
                try
                {
                    using var response = await client.GetAsync("/readyz");
                    var health = await response.Content.ReadFromJsonAsync<JsonElement>();
                    if (health.GetProperty("cluster_size").GetInt32() == size)
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
                {
                }

                Assert.True(DateTime.UtcNow < deadline, $"the cluster did not settle on {size} silos");
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The silo whose activation of namespace <paramref name="ns"/> the Redis grain directory names, if any
    /// (an entry is JSON with <c>"SiloAddress":"host:port@generation"</c>).</summary>
    public async Task<ServerProcess?> OwnerOfAsync(string ns)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var entry = (string?)await redis.GetDatabase().StringGetAsync($"{ClusterId}/directory/ns/{ns}");
        return entry is null ? null : Silos.FirstOrDefault(s => entry.Contains($":{_siloPorts[s]}@", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
