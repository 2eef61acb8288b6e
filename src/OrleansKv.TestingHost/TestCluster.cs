using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansKv.Runtime;
using OrleansKv.Server.Hosting;

namespace OrleansKv.TestingHost;

/// <summary>
/// N silos in one process sharing a real redis-server, in the spirit of Orleans.TestingHost: start, add, stop,
/// kill silos, wait for membership to settle, and call grains or the REST API through any silo. Every cluster
/// gets a fresh cluster id, so clusters of parallel tests never see each other.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly List<TestSilo> _silos = [];
    private readonly Lock _lock = new();
    private readonly TestClusterOptions _options;
    private readonly RedisServerProcess? _ownedRedis;
    private int _nextIndex;

    private TestCluster(TestClusterOptions options, RedisServerProcess? ownedRedis, string redisConnectionString)
    {
        _options = options;
        _ownedRedis = ownedRedis;
        RedisConnectionString = redisConnectionString;
    }

    public string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The redis-server this cluster started, if it started one.</summary>
    public RedisServerProcess? Redis => _ownedRedis;

    public string RedisConnectionString { get; }

    public string Token => _options.Token;

    /// <summary>The silos still running.</summary>
    public IReadOnlyList<TestSilo> Silos
    {
        get
        {
            lock (_lock)
            {
                return [.. _silos.Where(s => s.IsRunning)];
            }
        }
    }

    /// <summary>A grain factory on the first running silo.</summary>
    public IGrainFactory Client => Silos[0].Grains;

    public static async Task<TestCluster> StartAsync(int silos = 3, Action<TestClusterOptions>? configure = null)
    {
        var options = new TestClusterOptions { InitialSilos = silos };
        configure?.Invoke(options);
        var redis = options.RedisConnectionString is null ? await RedisServerProcess.StartAsync(options.PersistentRedis) : null;
        var cluster = new TestCluster(options, redis, options.RedisConnectionString ?? redis!.ConnectionString);
        try
        {
            for (var i = 0; i < options.InitialSilos; i++)
            {
                await cluster.StartSiloAsync();
            }

            await cluster.WaitForActiveSilosAsync(options.InitialSilos);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo and waits until it is Active.</summary>
    public async Task<TestSilo> StartSiloAsync()
    {
        var index = Interlocked.Increment(ref _nextIndex) - 1;
        var (http, grpc, silo) = (RedisServerProcess.FreePort(), RedisServerProcess.FreePort(), RedisServerProcess.FreePort());
        var settings = new Dictionary<string, string?>(_options.Settings, StringComparer.Ordinal)
        {
            ["REDIS_URL"] = RedisConnectionString,
            ["CLUSTER_ID"] = ClusterId,
            ["BIND_ADDRESS"] = "127.0.0.1",
            ["ADVERTISED_HOST"] = "127.0.0.1",
            ["HTTP_PORT"] = http.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GRPC_PORT"] = grpc.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SILO_PORT"] = silo.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TOKEN"] = _options.Token,
            ["Silo:SiloName"] = $"test-silo-{index}",
        };
        settings.TryAdd("LOG_LEVEL", "Warning");
        var app = ServerApp.Create([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
        });
        await app.StartAsync();
        var handle = new TestSilo(app, index, http, grpc, silo);
        lock (_lock)
        {
            _silos.Add(handle);
        }

        return handle;
    }

    /// <summary>Stops a silo gracefully (as on SIGTERM): it hands its grains off and leaves the table.</summary>
    public async Task StopSiloAsync(TestSilo silo)
    {
        await silo.App.StopAsync();
        lock (_lock)
        {
            silo.IsRunning = false;
        }

        await silo.App.DisposeAsync();
    }

    /// <summary>Kills a silo abruptly (as kill -9 would): no flush, no goodbye; the others must detect it.</summary>
    public async Task KillSiloAsync(TestSilo silo)
    {
        await silo.CrashAsync();
        lock (_lock)
        {
            silo.IsRunning = false;
        }

        _ = Task.Run(async () => await silo.App.DisposeAsync());
    }

    /// <summary>Waits until every running silo sees exactly <paramref name="count"/> active silos.</summary>
    public async Task WaitForActiveSilosAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? _options.SettleTimeout);
        while (true)
        {
            var silos = Silos;
            if (silos.All(s => s.Info.Status == SiloStatus.Active && s.Info.ClusterSize == count))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                var views = string.Join("; ", silos.Select(s => $"{s}: {s.Info.Status}, sees {s.Info.ClusterSize}"));
                throw new TimeoutException($"Membership did not settle on {count} active silos: {views}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>An HttpClient for the REST API of <paramref name="silo"/>, carrying the cluster's token.</summary>
    public HttpClient CreateHttpClient(TestSilo silo)
    {
        var client = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _options.Token);
        return client;
    }

    /// <summary>A gRPC client (the public API) for <paramref name="silo"/>, carrying the cluster's token.</summary>
    public OrleansKv.Client.KvClient CreateKvClient(TestSilo silo) =>
        new(new OrleansKv.Client.KvClientOptions { Address = silo.GrpcAddress, Token = _options.Token });

    public async ValueTask DisposeAsync()
    {
        List<TestSilo> running;
        lock (_lock)
        {
            running = [.. _silos.Where(s => s.IsRunning)];
        }

        foreach (var silo in running)
        {
            try
            {
                await silo.CrashAsync();
                await silo.App.DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        if (_ownedRedis is not null)
        {
            await _ownedRedis.DisposeAsync();
        }
    }
}
