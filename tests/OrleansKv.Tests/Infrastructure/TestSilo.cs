using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Sqlite;
using OrleansKv.Providers.Sqlite;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.Infrastructure;

/// <summary>
/// One Orleans silo in-process (localhost clustering on a free port) with namespace grains on the embedded store in a
/// temp directory, for grain tests. <paramref name="time"/>, when given, is the grains' clock (expiry and leases);
/// Orleans' own timers and reminders keep real time, so tests that move the clock set short sweep periods.
/// </summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TempDirectory? _ownedDirectory;

    private TestSilo(IHost host, string dataDirectory, TempDirectory? ownedDirectory)
    {
        _host = host;
        DataDirectory = dataDirectory;
        _ownedDirectory = ownedDirectory;
    }

    public IServiceProvider Services => _host.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public INamespaceStore Store => Services.GetRequiredService<INamespaceStore>();

    public string DataDirectory { get; }

    public INamespaceGrain Namespace(string name) => Grains.GetGrain<INamespaceGrain>(name);

    public static GrainId NamespaceId(string name) => GrainId.Create(NamespaceGrainSiloExtensions.GrainTypeName, name);

    public static async Task<TestSilo> StartAsync(
        TimeProvider? time = null,
        string? dataDirectory = null,
        Action<ISiloBuilder>? configureSilo = null,
        Action<IServiceCollection>? configureServices = null,
        Action<NamespaceGrainOptions>? configureNamespaces = null)
    {
        var owned = dataDirectory is null ? new TempDirectory() : null;
        var directory = dataDirectory ?? owned!.Path;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSqliteNamespaceStore(o =>
        {
            o.DataDirectory = directory;
            o.Durability = SqliteDurability.Relaxed;
        });
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(RedisServerProcess.FreePort(), gatewayPort: 0, serviceId: "test", clusterId: "test-" + Guid.NewGuid().ToString("N")[..8]);
            silo.UseSqliteReminderService(o =>
            {
                o.DatabasePath = Path.Combine(directory, "orleans-reminders.db");
                o.Synchronous = SqliteSynchronousMode.Normal;
            });
            silo.AddSqliteGrainStorage(NamespaceGrain.LimitsStorageName, o =>
            {
                o.DatabasePath = Path.Combine(directory, "orleans-namespaces.db");
                o.Synchronous = SqliteSynchronousMode.Normal;
            });
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.AddNamespaceGrains(o =>
            {
                o.TtlReminderPeriod = TimeSpan.FromSeconds(1);
                configureNamespaces?.Invoke(o);
            });
            if (time is not null)
            {
                silo.Services.AddKeyedSingleton(NamespaceGrainSiloExtensions.ClockKey, time);
            }

            configureSilo?.Invoke(silo);
        });
        configureServices?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host, directory, owned);
    }

    /// <summary>Deactivates every idle activation now (Orleans' idle collection, on demand).</summary>
    public Task CollectIdleAsync() => Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    /// <summary>Whether the namespace has an activation on this silo.</summary>
    public async Task<bool> IsActiveAsync(string name)
    {
        var statistics = await Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics.Any(s => s.GrainId == NamespaceId(name));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _ownedDirectory?.Dispose();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return await condition();
    }
}
