using Grpc.Net.ClientFactory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansKv.Protocol.V1;

namespace OrleansKv.Client;

/// <summary>Registers <see cref="KvClient"/> for applications that use dependency injection.</summary>
public static class KvClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="KvClient"/> (transient, cheap) over a generated client from Grpc.Net.ClientFactory, which owns
    /// and pools the HTTP/2 connections. <paramref name="configure"/> sets the address, token and limits.
    /// </summary>
    public static IHttpClientBuilder AddOrleansKvClient(this IServiceCollection services, Action<KvClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<KvClientOptions>().Configure(configure);
        services.AddTransient(sp => new KvClient(sp.GetRequiredService<KvStore.KvStoreClient>(), sp.GetRequiredService<IOptions<KvClientOptions>>().Value));
        return services
            .AddGrpcClient<KvStore.KvStoreClient>((sp, o) => o.Address = sp.GetRequiredService<IOptions<KvClientOptions>>().Value.Address)
            .ConfigurePrimaryHttpMessageHandler(sp => KvChannel.CreateHandler(sp.GetRequiredService<IOptions<KvClientOptions>>().Value))
            .ConfigureChannel((sp, channel) => KvChannel.Configure(channel, sp.GetRequiredService<IOptions<KvClientOptions>>().Value));
    }
}
