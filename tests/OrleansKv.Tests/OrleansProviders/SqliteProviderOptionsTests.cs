using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using OrleansKv.Providers.Sqlite;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.OrleansProviders;

public sealed class SqliteProviderOptionsTests
{
    [Fact]
    public void DefaultsAreValidAndDurable()
    {
        var reminders = new SqliteReminderTableOptions();
        var storage = new SqliteGrainStorageOptions();

        Assert.Equal(SqliteSynchronousMode.Full, reminders.Synchronous);
        Assert.Equal(SqliteSynchronousMode.Full, storage.Synchronous);
        Assert.NotEqual(reminders.DatabasePath, storage.DatabasePath);
        Assert.False(storage.DeleteStateOnClear);
        Assert.True(new SqliteReminderTableOptionsValidator().Validate(null, reminders).Succeeded);
        Assert.True(new SqliteGrainStorageOptionsValidator("Default").Validate("Default", storage).Succeeded);
    }

    [Theory]
    [InlineData(nameof(SqliteReminderTableOptions.DatabasePath), " ")]
    [InlineData(nameof(SqliteReminderTableOptions.DatabasePath), ":memory:")]
    [InlineData(nameof(SqliteReminderTableOptions.DatabasePath), "file:reminders.db?mode=memory")]
    [InlineData(nameof(SqliteReminderTableOptions.DatabasePath), "data/")]
    [InlineData(nameof(SqliteReminderTableOptions.Synchronous), "7")]
    [InlineData(nameof(SqliteReminderTableOptions.BusyTimeout), "0")]
    [InlineData(nameof(SqliteReminderTableOptions.BusyTimeout), "3600")]
    public void EachInvalidReminderSettingIsNamedInTheFailure(string setting, string value)
    {
        var options = new SqliteReminderTableOptions();
        switch (setting)
        {
            case nameof(SqliteReminderTableOptions.DatabasePath): options.DatabasePath = value; break;
            case nameof(SqliteReminderTableOptions.Synchronous): options.Synchronous = (SqliteSynchronousMode)int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case nameof(SqliteReminderTableOptions.BusyTimeout): options.BusyTimeout = TimeSpan.FromSeconds(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)); break;
        }

        var result = new SqliteReminderTableOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.StartsWith($"{nameof(SqliteReminderTableOptions)}.{setting} ", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void AGrainStorageFailureNamesTheProviderAndTheSettingAndOtherProvidersAreLeftToTheirOwnValidator()
    {
        var options = new SqliteGrainStorageOptions { DatabasePath = "", BusyTimeout = TimeSpan.Zero };
        var validator = new SqliteGrainStorageOptionsValidator("archive");

        var result = validator.Validate("archive", options);

        Assert.Equal(
            [$"{nameof(SqliteGrainStorageOptions)}[archive].{nameof(SqliteGrainStorageOptions.DatabasePath)}", $"{nameof(SqliteGrainStorageOptions)}[archive].{nameof(SqliteGrainStorageOptions.BusyTimeout)}"],
            result.Failures!.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]));
        Assert.True(validator.Validate("Default", options).Skipped);
    }

    [Fact]
    public async Task ASiloWithAnInvalidDatabasePathFailsAtStartNamingTheSetting()
    {
        using var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .UseOrleans(silo => silo
                .UseLocalhostClustering(siloPort: RedisServerProcess.FreePort(), gatewayPort: RedisServerProcess.FreePort())
                .UseSqliteReminderService(options => options.DatabasePath = ":memory:")
                .AddSqliteGrainStorage("archive", options => options.DatabasePath = " "))
            .Build();

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"{nameof(SqliteReminderTableOptions)}.{nameof(SqliteReminderTableOptions.DatabasePath)}", error.Message, StringComparison.Ordinal);
    }
}
