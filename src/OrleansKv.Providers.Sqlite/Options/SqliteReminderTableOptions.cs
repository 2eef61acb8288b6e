namespace OrleansKv.Providers.Sqlite;

/// <summary>Settings of the SQLite reminder table: one database file, in WAL mode.</summary>
public sealed class SqliteReminderTableOptions
{
    /// <summary>The database file (relative paths resolve against the working directory). Its directory is created when missing.</summary>
    public string DatabasePath { get; set; } = Path.Combine("data", "orleans-reminders.db");

    /// <summary><see cref="SqliteSynchronousMode.Full"/> (default) fsyncs every commit; <see cref="SqliteSynchronousMode.Normal"/> only at checkpoints.</summary>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    /// <summary>How long a statement waits for another connection's write lock before it fails.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
