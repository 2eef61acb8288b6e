using Microsoft.Extensions.Options;

namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>Checks <see cref="SqliteStoreOptions"/> at start-up; every message names the setting it is about.</summary>
public sealed class SqliteStoreOptionsValidator : IValidateOptions<SqliteStoreOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Prefix = nameof(SqliteStoreOptions) + ".";

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{Prefix}{nameof(SqliteStoreOptions.DataDirectory)} must name a directory (DATA_DIR is empty).");
        }
        else if (options.DataDirectory.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{Prefix}{nameof(SqliteStoreOptions.DataDirectory)} contains characters that are not valid in a path.");
        }

        if (string.IsNullOrWhiteSpace(options.FileName))
        {
            failures.Add($"{Prefix}{nameof(SqliteStoreOptions.FileName)} must name a file.");
        }
        else if (options.FileName.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0
            || options.FileName is "." or "..")
        {
            failures.Add($"{Prefix}{nameof(SqliteStoreOptions.FileName)} must be a plain file name without directory separators.");
        }

        if (!Enum.IsDefined(options.Durability))
        {
            failures.Add($"{Prefix}{nameof(SqliteStoreOptions.Durability)} must be {nameof(SqliteDurability.Full)} or {nameof(SqliteDurability.Relaxed)}.");
        }

        if (options.ReaderPoolSize is < 1 or > SqliteStoreOptions.MaxReaderPoolSize)
        {
            failures.Add($"{Prefix}{nameof(SqliteStoreOptions.ReaderPoolSize)} must be between 1 and {SqliteStoreOptions.MaxReaderPoolSize}.");
        }

        failures.AddRange(options.Compression.Problems());

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
