using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Sqlite;
using OrleansKv.Runtime;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.Infrastructure;

/// <summary>One silo in-process on the embedded store, in a temp directory, for grain and runtime tests.</summary>
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

    public static async Task<TestSilo> StartAsync(
        TimeProvider? time = null,
        string? dataDirectory = null,
        Action<SiloBuilder>? configureSilo = null,
        Action<IServiceCollection>? configureServices = null,
        Action<NamespaceGrainOptions>? configureNamespaces = null)
    {
        var owned = dataDirectory is null ? new TempDirectory() : null;
        var directory = dataDirectory ?? owned!.Path;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.Configure<ReminderOptions>(o => o.PollPeriod = TimeSpan.FromMilliseconds(50));
        builder.Services.AddSqliteNamespaceStore(o =>
        {
            o.DataDirectory = directory;
            o.Durability = SqliteDurability.Relaxed;
        });
        builder.Services.AddOrleansKvSilo(silo =>
        {
            silo.UseLocalhostClustering(Path.Combine(directory, "reminders.db"));
            silo.AddNamespaceGrains(configureNamespaces);
            configureSilo?.Invoke(silo);
        });
        configureServices?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host, directory, owned);
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
