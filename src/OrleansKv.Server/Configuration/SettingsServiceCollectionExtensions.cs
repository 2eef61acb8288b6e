using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansKv.Server.Configuration;

/// <summary>
/// Binds the server's settings: one options class per concern, each from the flat keys of the configuration root
/// (the environment variable names, or the same keys in appsettings.json), checked at start-up by its
/// source-generated validator. The only place settings are bound.
/// </summary>
internal static class SettingsServiceCollectionExtensions
{
    public static IServiceCollection AddServerSettings(this IServiceCollection services)
    {
        services.AddSettings<ListenerOptions, ListenerOptionsValidator>();
        services.AddSettings<ClusteringOptions, ClusteringOptionsValidator>();
        services.AddSettings<StorageOptions, StorageOptionsValidator>()
            .Validate<IOptions<ClusteringOptions>>(
                (storage, clustering) => clustering.Value.IsClustered || !string.IsNullOrWhiteSpace(storage.DataDirectory),
                "DATA_DIR must be set when REDIS_URL is not.");
        services.AddSettings<AuthOptions, AuthOptionsValidator>();
        services.AddSettings<LimitsOptions, LimitsOptionsValidator>();
        services.AddSettings<LoggingOptions, LoggingOptionsValidator>();
        return services;
    }

    private static OptionsBuilder<TOptions> AddSettings<TOptions, TValidator>(this IServiceCollection services)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddOptions<TOptions>().BindConfiguration(string.Empty).ValidateOnStart();
    }
}
