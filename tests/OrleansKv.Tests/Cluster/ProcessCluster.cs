using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.ProcessTests;

namespace OrleansKv.Tests.Cluster;

/// <summary>
/// N real server processes clustered through one real redis-server, each on its own ports, under a fresh cluster id.
/// Disposing stops every process that is still running, then Redis.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    private ProcessCluster(RedisServerProcess redis, List<ServerProcess> silos, string clusterId, Dictionary<ServerProcess, int> siloPorts)
    {
        Redis = redis;
        Silos = silos;
        ClusterId = clusterId;
        _siloPorts = siloPorts;
    }

    private readonly Dictionary<ServerProcess, int> _siloPorts;

    public string ClusterId { get; }

    public RedisServerProcess Redis { get; }

    public List<ServerProcess> Silos { get; }

    /// <summary>Starts <paramref name="count"/> silos with <paramref name="environment"/> added to each one's and waits until
    /// every silo sees all of them Active.</summary>
    public static async Task<ProcessCluster> StartAsync(int count, IReadOnlyDictionary<string, string>? environment = null, bool persistentRedis = true)
    {
        var redis = await RedisServerProcess.StartAsync(persistentRedis);
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
                    ["REDIS_URL"] = redis.ConnectionString,
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

        await Redis.DisposeAsync();
    }
}
