using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;

namespace OrleansKv.Providers.Sqlite;

/// <summary>Durable reminders for a single silo, in one SQLite file.</summary>
public static class SqliteReminderSiloBuilderExtensions
{
    /// <summary>Adds the reminder service with its table in SQLite, configured by <paramref name="configure"/>; the options are validated when the host starts.</summary>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder, Action<SqliteReminderTableOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddSqliteReminderTable(configure);
        return builder;
    }

    /// <summary>Adds the reminder service with its table in the SQLite file at <paramref name="databasePath"/> (default settings otherwise).</summary>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        builder.Services.AddSqliteReminderTable(options => options.DatabasePath = databasePath);
        return builder;
    }

    internal static IServiceCollection AddSqliteReminderTable(this IServiceCollection services, Action<SqliteReminderTableOptions> configure)
    {
        services.AddReminders();
        services.AddOptions<SqliteReminderTableOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteReminderTableOptions>, SqliteReminderTableOptionsValidator>());
        services.TryAddSingleton<SqliteReminderTable>();
        services.AddSingleton<IReminderTable>(static sp => sp.GetRequiredService<SqliteReminderTable>());
        return services;
    }
}
