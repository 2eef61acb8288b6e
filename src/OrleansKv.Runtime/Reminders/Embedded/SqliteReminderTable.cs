using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace OrleansKv.Runtime;

/// <summary>Options of the embedded reminder table.</summary>
public sealed class SqliteReminderTableOptions
{
    /// <summary>The SQLite file holding reminders; its directory is created if missing.</summary>
    public string DatabasePath { get; set; } = Path.Combine("data", "reminders.db");
}

/// <summary>
/// The single-silo reminder table: one SQLite file in WAL mode with <c>synchronous=FULL</c>. Reminder writes
/// are rare (a grain moves its reminder only when its next deadline moves earlier), so one connection under a
/// short lock is enough; every call completes synchronously.
/// </summary>
public sealed class SqliteReminderTable : IReminderTable, IDisposable
{
    private readonly Lock _lock = new();
    private readonly string _path;
    private SqliteConnection? _connection;

    public SqliteReminderTable(IOptions<SqliteReminderTableOptions> options) => _path = options.Value.DatabasePath;

    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_connection is not null)
            {
                return Task.CompletedTask;
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(_path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
            connection.Open();
            Execute(connection, """
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=FULL;
                CREATE TABLE IF NOT EXISTS reminders (
                    grain_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    due_ms INTEGER NOT NULL,
                    period_ms INTEGER NULL,
                    etag INTEGER NOT NULL,
                    PRIMARY KEY (grain_id, name)) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS reminders_due ON reminders (due_ms);
                """);
            _connection = connection;
        }

        return Task.CompletedTask;
    }

    public Task<string?> UpsertAsync(ReminderEntry entry, string? expectedETag, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var connection = Connection;
            using var transaction = connection.BeginTransaction();
            var current = ReadETag(connection, transaction, entry.GrainId, entry.Name);
            if (expectedETag is not null && !string.Equals(current?.ToString(CultureInfo.InvariantCulture), expectedETag, StringComparison.Ordinal))
            {
                return Task.FromResult<string?>(null);
            }

            // A random token, never a counter: after a remove and a re-register a counter would restart and
            // an old delivery's ETag could match the new reminder.
            long etag;
            do
            {
                etag = Random.Shared.NextInt64(1, long.MaxValue);
            }
            while (etag == current);

            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO reminders (grain_id, name, due_ms, period_ms, etag) VALUES ($g, $n, $d, $p, $e)
                ON CONFLICT (grain_id, name) DO UPDATE SET due_ms = excluded.due_ms, period_ms = excluded.period_ms, etag = excluded.etag
                """;
            command.Parameters.AddWithValue("$g", entry.GrainId.ToString());
            command.Parameters.AddWithValue("$n", entry.Name);
            command.Parameters.AddWithValue("$d", entry.DueTime.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$p", entry.Period is { } p ? (long)p.TotalMilliseconds : DBNull.Value);
            command.Parameters.AddWithValue("$e", etag);
            command.ExecuteNonQuery();
            transaction.Commit();
            return Task.FromResult<string?>(etag.ToString(CultureInfo.InvariantCulture));
        }
    }

    public Task<bool> RemoveAsync(GrainId grainId, string name, string? expectedETag, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            using var command = Connection.CreateCommand();
            command.CommandText = expectedETag is null
                ? "DELETE FROM reminders WHERE grain_id = $g AND name = $n"
                : "DELETE FROM reminders WHERE grain_id = $g AND name = $n AND etag = $e";
            command.Parameters.AddWithValue("$g", grainId.ToString());
            command.Parameters.AddWithValue("$n", name);
            if (expectedETag is not null)
            {
                command.Parameters.AddWithValue("$e", long.TryParse(expectedETag, CultureInfo.InvariantCulture, out var e) ? e : -1);
            }

            return Task.FromResult(command.ExecuteNonQuery() > 0);
        }
    }

    public Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            using var command = Connection.CreateCommand();
            command.CommandText = "SELECT grain_id, name, due_ms, period_ms, etag FROM reminders WHERE grain_id = $g AND name = $n";
            command.Parameters.AddWithValue("$g", grainId.ToString());
            command.Parameters.AddWithValue("$n", name);
            using var reader = command.ExecuteReader();
            return Task.FromResult(reader.Read() ? ReadEntry(reader) : null);
        }
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            using var command = Connection.CreateCommand();
            command.CommandText = "SELECT grain_id, name, due_ms, period_ms, etag FROM reminders WHERE due_ms <= $d ORDER BY due_ms LIMIT $l";
            command.Parameters.AddWithValue("$d", dueBefore.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$l", limit);
            using var reader = command.ExecuteReader();
            var due = new List<ReminderEntry>();
            while (reader.Read())
            {
                if (ReadEntry(reader) is { } entry)
                {
                    due.Add(entry);
                }
            }

            return Task.FromResult<IReadOnlyList<ReminderEntry>>(due);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _connection?.Dispose();
            _connection = null;
        }
    }

    private SqliteConnection Connection => _connection ?? throw new InvalidOperationException("The reminder table is not initialized.");

    private static ReminderEntry? ReadEntry(SqliteDataReader reader)
    {
        if (!GrainId.TryParse(reader.GetString(0), out var grainId))
        {
            return null;
        }

        return new ReminderEntry(
            grainId.Value,
            reader.GetString(1),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
            reader.IsDBNull(3) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(3)),
            reader.GetInt64(4).ToString(CultureInfo.InvariantCulture));
    }

    private static long? ReadETag(SqliteConnection connection, SqliteTransaction transaction, GrainId grainId, string name)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT etag FROM reminders WHERE grain_id = $g AND name = $n";
        command.Parameters.AddWithValue("$g", grainId.ToString());
        command.Parameters.AddWithValue("$n", name);
        return command.ExecuteScalar() is long etag ? etag : null;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
