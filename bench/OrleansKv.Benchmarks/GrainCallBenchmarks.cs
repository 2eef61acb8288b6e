using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage.Sqlite;

namespace OrleansKv.Benchmarks;

/// <summary>
/// A grain call in process on Orleans: a cached Get through the grain reference (local directory, activation,
/// the grain's cache), as every REST and gRPC read does; and a Set (write gate, staging, group commit on the embedded
/// store with relaxed durability).
/// </summary>
#pragma warning disable CA1001 // BenchmarkDotNet disposes through [GlobalCleanup], not IDisposable
public class GrainCallBenchmarks
#pragma warning restore CA1001
{
    private IHost _host = null!;
    private IGrainFactory _grains = null!;
    private INamespaceGrain _grain = null!;
    private SetCommand _set = null!;
    private string _directory = null!;
    private GrainType _grainType;
    private GrainInterfaceType _interfaceType;
    private readonly CancellationTokenSource _requestAborted = new();

    /// <remarks>Synchronous on purpose: every field is set before BenchmarkDotNet's first workload call.</remarks>
    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("orleanskv-bdn-").FullName;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.AddNamespaceGrains();
            silo.UseLocalhostClustering(FreePort(), gatewayPort: 0);
            silo.UseInMemoryReminderService();
            silo.AddMemoryGrainStorage(NamespaceGrain.LimitsStorageName);
        });
        builder.Services.AddSqliteNamespaceStore(o =>
        {
            o.DataDirectory = _directory;
            o.Durability = SqliteDurability.Relaxed;
        });
        _host = builder.Build();
        _host.StartAsync().GetAwaiter().GetResult();
        _grains = _host.Services.GetRequiredService<IGrainFactory>();
        _grain = _grains.GetGrain<INamespaceGrain>("bench");
        var probe = (GrainReference)_grain;
        (_grainType, _interfaceType) = (probe.GrainId.Type, probe.InterfaceType);
        _set = new SetCommand("bench:1", new byte[64], "text/plain; charset=utf-8");
        _grain.SetAsync(_set).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _requestAborted.Dispose();
        await _host.StopAsync();
        _host.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Benchmark(Description = "cached Get, held reference")]
    public ValueTask<Grains.Storage.StoredEntry?> CachedGet() => _grain.GetAsync("bench:1");

    [Benchmark(Description = "cached Get, GetGrain<T>(string) per call")]
    public ValueTask<Grains.Storage.StoredEntry?> CachedGetNewReference() => _grains.GetGrain<INamespaceGrain>("bench").GetAsync("bench:1");

    [Benchmark(Description = "cached Get, GetGrain(GrainId, interface) per call (as the front ends do)")]
    public ValueTask<Grains.Storage.StoredEntry?> CachedGetById() => ById().GetAsync("bench:1");

    [Benchmark(Description = "the same, with a cancellable token (as they pass the request's)")]
    public ValueTask<Grains.Storage.StoredEntry?> CachedGetByIdWithToken() => ById().GetAsync("bench:1", _requestAborted.Token);

    private INamespaceGrain ById() => (INamespaceGrain)_grains.GetGrain(GrainId.Create(_grainType, "bench"), _interfaceType);

    [Benchmark(Description = "Set, one writer (commit round-trip, relaxed)")]
    public ValueTask<SetResult> Set() => _grain.SetAsync(_set);
}
