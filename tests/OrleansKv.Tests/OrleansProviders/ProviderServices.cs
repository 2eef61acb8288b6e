using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansKv.Tests.OrleansProviders;

/// <summary>
/// A provider built from the services a silo would give it, without a silo: logging, Orleans' serializer (and
/// activators), Orleans' binary <see cref="IGrainStorageSerializer"/>, cluster options with this test's service
/// id, plus the provider's own registration. Grain storage is started and stopped through a silo lifecycle.
/// </summary>
internal sealed class ProviderServices : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private SiloLifecycleSubject? _lifecycle;

    private ProviderServices(ServiceProvider services) => _services = services;

    public static ProviderServices Build(string serviceId, Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSerializer();
        services.AddSingleton<IGrainStorageSerializer>(sp => new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()));
        services.Configure<ClusterOptions>(options =>
        {
            options.ServiceId = serviceId;
            options.ClusterId = "contract-tests";
        });
        register(services);
        return new ProviderServices(services.BuildServiceProvider());
    }

    public IReminderTable ReminderTable => _services.GetRequiredService<IReminderTable>();

    /// <summary>Resolves the named grain storage and runs the lifecycle stages it subscribed to (opening its connection or file).</summary>
    public async Task<IGrainStorage> StartGrainStorageAsync(string name)
    {
        var storage = _services.GetRequiredKeyedService<IGrainStorage>(name);
        _lifecycle = new SiloLifecycleSubject(_services.GetRequiredService<ILogger<SiloLifecycleSubject>>());
        foreach (var participant in _services.GetServices<ILifecycleParticipant<ISiloLifecycle>>())
        {
            participant.Participate(_lifecycle);
        }

        await _lifecycle.OnStart(CancellationToken.None);
        return storage;
    }

    public async ValueTask DisposeAsync()
    {
        if (_lifecycle is not null)
        {
            await _lifecycle.OnStop(CancellationToken.None);
        }

        await _services.DisposeAsync();
    }
}
