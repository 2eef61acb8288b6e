using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansKv.Grains.Storage.Redis;

/// <summary>Registers the Redis namespace store.</summary>
public static class RedisStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RedisNamespaceStore"/> as a singleton and <see cref="INamespaceStore"/> as the same
    /// instance. The options are validated when the host starts, so a bad setting fails at boot in one line.
    /// </summary>
    public static IServiceCollection AddRedisNamespaceStore(this IServiceCollection services, Action<RedisStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return AddRedisNamespaceStoreCore(services, configure);
    }

    /// <summary>As <see cref="AddRedisNamespaceStore(IServiceCollection, Action{RedisStoreOptions})"/>, connecting with a
    /// StackExchange.Redis configuration string and default settings otherwise.</summary>
    public static IServiceCollection AddRedisNamespaceStore(this IServiceCollection services, string configurationString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configurationString);
        return AddRedisNamespaceStoreCore(services, o => o.ConfigurationString = configurationString);
    }

    internal static IServiceCollection AddRedisNamespaceStoreCore(IServiceCollection services, Action<RedisStoreOptions> configure)
    {
        services.AddOptions<RedisStoreOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisStoreOptions>, RedisStoreOptionsValidator>());
        services.TryAddSingleton(static sp => new RedisNamespaceStore(
            sp.GetRequiredService<IOptions<RedisStoreOptions>>().Value,
            sp.GetRequiredService<ILogger<RedisNamespaceStore>>()));
        services.TryAddSingleton<INamespaceStore>(static sp => sp.GetRequiredService<RedisNamespaceStore>());
        return services;
    }
}
