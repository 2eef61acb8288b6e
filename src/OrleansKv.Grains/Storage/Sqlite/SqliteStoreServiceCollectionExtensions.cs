using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>Registers the embedded (SQLite) namespace store.</summary>
public static class SqliteStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteNamespaceStore"/> as a singleton and <see cref="INamespaceStore"/> as the same
    /// instance. The options are validated when the host starts, so a bad setting fails at boot in one line.
    /// </summary>
    public static IServiceCollection AddSqliteNamespaceStore(this IServiceCollection services, Action<SqliteStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<SqliteStoreOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStoreOptions>, SqliteStoreOptionsValidator>());
        services.TryAddSingleton(static sp => new SqliteNamespaceStore(
            sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value,
            sp.GetRequiredService<ILogger<SqliteNamespaceStore>>()));
        services.TryAddSingleton<INamespaceStore>(static sp => sp.GetRequiredService<SqliteNamespaceStore>());
        return services;
    }
}
