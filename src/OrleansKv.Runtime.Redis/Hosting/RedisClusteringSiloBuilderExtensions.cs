using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansKv.Runtime.Redis;

/// <summary>Puts a silo's membership table, grain directory and reminder table in Redis.</summary>
public static class RedisClusteringSiloBuilderExtensions
{
    /// <summary>
    /// Uses Redis for membership, the grain directory and reminders, replacing the single-silo defaults. The
    /// cluster id is <see cref="SiloOptions.ClusterId"/>; the options are validated when the host starts.
    /// </summary>
    public static SiloBuilder UseRedisClustering(this SiloBuilder builder, Action<RedisClusteringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UseRedisClusteringCore(configure);
    }

    /// <summary>
    /// Uses Redis for membership, the grain directory and reminders, connecting with
    /// <paramref name="configurationString"/> (a StackExchange.Redis configuration such as <c>redis:6379</c>).
    /// </summary>
    public static SiloBuilder UseRedisClustering(this SiloBuilder builder, string configurationString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configurationString);
        return builder.UseRedisClusteringCore(o => o.ConfigurationString = configurationString);
    }

    internal static SiloBuilder UseRedisClusteringCore(this SiloBuilder builder, Action<RedisClusteringOptions> configure)
    {
        var services = builder.Services;
        services.AddOptions<RedisClusteringOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisClusteringOptions>, RedisClusteringOptionsValidator>());

        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton(static sp => new RedisKeys(
            sp.GetRequiredService<IOptions<RedisClusteringOptions>>().Value.KeyPrefix,
            sp.GetRequiredService<IOptions<SiloOptions>>().Value.ClusterId));
        services.TryAddSingleton(static sp => new RedisMembershipTable(
            sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<RedisKeys>(), sp.GetRequiredService<ILogger<RedisMembershipTable>>()));
        services.TryAddSingleton(static sp => new RedisGrainDirectory(
            sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<RedisKeys>()));
        services.TryAddSingleton(static sp => new RedisReminderTable(
            sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<RedisKeys>(), sp.GetRequiredService<ILogger<RedisReminderTable>>()));

        services.Replace(ServiceDescriptor.Singleton<IMembershipTable>(static sp => sp.GetRequiredService<RedisMembershipTable>()));
        services.Replace(ServiceDescriptor.Singleton<IGrainDirectory>(static sp => sp.GetRequiredService<RedisGrainDirectory>()));
        services.Replace(ServiceDescriptor.Singleton<IReminderTable>(static sp => sp.GetRequiredService<RedisReminderTable>()));
        return builder;
    }
}
