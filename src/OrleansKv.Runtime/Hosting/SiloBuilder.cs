using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansKv.Runtime.Messaging;

namespace OrleansKv.Runtime;

/// <summary>Configures a silo: its grain types and its providers.</summary>
public sealed class SiloBuilder
{
    internal SiloBuilder(IServiceCollection services) => Services = services;

    /// <summary>The host's services, for provider extensions.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Registers a grain type.</summary>
    /// <param name="typeName">The short stable name used in grain ids.</param>
    /// <param name="referenceFactory">Builds a reference implementing <typeparamref name="TInterface"/>.</param>
    /// <param name="codec">Decodes remote calls to the grain.</param>
    public SiloBuilder AddGrain<TInterface, TGrain>(string typeName, Func<GrainId, IGrainCallInvoker, TInterface> referenceFactory, IGrainRequestCodec codec)
        where TInterface : class, IGrainWithStringKey
        where TGrain : Grain, TInterface
    {
        Services.AddSingleton(new GrainTypeRegistration(typeName, typeof(TInterface), typeof(TGrain), (id, invoker) => referenceFactory(id, invoker), codec));
        return this;
    }

    /// <summary>
    /// Single-silo clustering: membership and directory in memory, reminders in an embedded SQLite file.
    /// </summary>
    public SiloBuilder UseLocalhostClustering(string reminderDatabasePath)
    {
        Services.Replace(ServiceDescriptor.Singleton<IMembershipTable, InMemoryMembershipTable>());
        Services.Replace(ServiceDescriptor.Singleton<IGrainDirectory, InMemoryGrainDirectory>());
        Services.Configure<SqliteReminderTableOptions>(o => o.DatabasePath = reminderDatabasePath);
        Services.Replace(ServiceDescriptor.Singleton<SqliteReminderTable, SqliteReminderTable>());
        Services.Replace(ServiceDescriptor.Singleton<IReminderTable>(sp => sp.GetRequiredService<SqliteReminderTable>()));
        return this;
    }

    /// <summary>
    /// Lets this silo call grains on other silos and answer their calls and probes, over HTTP/2 on the silo port
    /// (map the endpoints with <see cref="SiloEndpoints.MapOrleansKvSilo"/>).
    /// </summary>
    public SiloBuilder UseSiloNetworking(Action<SiloMessagingOptions>? configure = null)
    {
        var options = Services.AddOptions<SiloMessagingOptions>().BindConfiguration("SiloMessaging");
        if (configure is not null)
        {
            options.Configure(configure);
        }

        Services.Replace(ServiceDescriptor.Singleton<GrpcRemoteGrainInvoker, GrpcRemoteGrainInvoker>());
        Services.Replace(ServiceDescriptor.Singleton<IRemoteGrainInvoker>(sp => sp.GetRequiredService<GrpcRemoteGrainInvoker>()));
        Services.TryAddSingleton<IncomingCallHandler>();
        return this;
    }
}
