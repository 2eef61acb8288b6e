namespace OrleansKv.Providers.Sqlite;

/// <summary>The checks both providers' options share: the database file, the synchronous level and the busy timeout.</summary>
internal static class SqliteFileSettings
{
    /// <summary>The longest accepted busy timeout.</summary>
    public static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromMinutes(5);

    public static void Validate(string prefix, string? databasePath, SqliteSynchronousMode synchronous, TimeSpan busyTimeout, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(databasePath))
        {
            failures.Add($"{prefix}DatabasePath must name a database file.");
        }
        else if (databasePath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{prefix}DatabasePath contains characters that are not allowed in a path.");
        }
        else if (databasePath.Trim().Equals(":memory:", StringComparison.OrdinalIgnoreCase) || databasePath.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{prefix}DatabasePath must be a file path; an in-memory or URI database is not durable.");
        }
        else if (Path.EndsInDirectorySeparator(databasePath))
        {
            failures.Add($"{prefix}DatabasePath names a directory, not a database file.");
        }

        if (!Enum.IsDefined(synchronous))
        {
            failures.Add($"{prefix}Synchronous must be Full or Normal, not {(int)synchronous}.");
        }

        if (busyTimeout <= TimeSpan.Zero || busyTimeout > MaxBusyTimeout)
        {
            failures.Add($"{prefix}BusyTimeout must be positive and at most {MaxBusyTimeout.TotalMinutes:0} minutes.");
        }
    }
}
