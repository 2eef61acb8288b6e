using Microsoft.Extensions.Options;

namespace OrleansKv.Providers.Sqlite;

/// <summary>Checks <see cref="SqliteReminderTableOptions"/> when the host starts; each message names the setting.</summary>
public sealed class SqliteReminderTableOptionsValidator : IValidateOptions<SqliteReminderTableOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SqliteReminderTableOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        SqliteFileSettings.Validate(nameof(SqliteReminderTableOptions) + ".", options.DatabasePath, options.Synchronous, options.BusyTimeout, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
