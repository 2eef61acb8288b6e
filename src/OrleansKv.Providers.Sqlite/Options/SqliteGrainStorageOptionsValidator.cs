using Microsoft.Extensions.Options;

namespace OrleansKv.Providers.Sqlite;

/// <summary>
/// Checks the <see cref="SqliteGrainStorageOptions"/> of one named provider when the host starts; each message
/// names the provider and the setting.
/// </summary>
public sealed class SqliteGrainStorageOptionsValidator(string providerName) : IValidateOptions<SqliteGrainStorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SqliteGrainStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(name, providerName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        var prefix = $"{nameof(SqliteGrainStorageOptions)}[{providerName}].";
        SqliteFileSettings.Validate(prefix, options.DatabasePath, options.Synchronous, options.BusyTimeout, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
