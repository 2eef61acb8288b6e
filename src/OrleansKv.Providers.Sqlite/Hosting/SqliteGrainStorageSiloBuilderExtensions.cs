using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace OrleansKv.Providers.Sqlite;

/// <summary>Grain storage for a single silo, in SQLite files: named providers and the default one.</summary>
public static class SqliteGrainStorageSiloBuilderExtensions
{
    /// <summary>Adds the grain storage provider <paramref name="name"/>, configured by <paramref name="configure"/>; the options are validated when the host starts.</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<SqliteGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddSqliteGrainStorageCore(name, configure);
        return builder;
    }

    /// <summary>Adds the grain storage provider <paramref name="name"/> on the SQLite file at <paramref name="databasePath"/> (default settings otherwise).</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        builder.Services.AddSqliteGrainStorageCore(name, options => options.DatabasePath = databasePath);
        return builder;
    }

    /// <summary>Adds the default grain storage provider (used by <c>[PersistentState]</c> without a storage name), configured by <paramref name="configure"/>.</summary>
    public static ISiloBuilder AddSqliteGrainStorageAsDefault(this ISiloBuilder builder, Action<SqliteGrainStorageOptions> configure) =>
        builder.AddSqliteGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    /// <summary>Adds the default grain storage provider on the SQLite file at <paramref name="databasePath"/>.</summary>
    public static ISiloBuilder AddSqliteGrainStorageAsDefault(this ISiloBuilder builder, string databasePath) =>
        builder.AddSqliteGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, databasePath);

    internal static IServiceCollection AddSqliteGrainStorageCore(this IServiceCollection services, string name, Action<SqliteGrainStorageOptions> configure)
    {
        services.AddOptions<SqliteGrainStorageOptions>(name).Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SqliteGrainStorageOptions>>(new SqliteGrainStorageOptionsValidator(name));
        services.TryAddEnumerable(ServiceDescriptor.Transient<IPostConfigureOptions<SqliteGrainStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<SqliteGrainStorageOptions>>());
        return services.AddGrainStorage(name, SqliteGrainStorage.Create);
    }
}
