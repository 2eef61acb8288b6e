using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;

namespace OrleansKv.Providers.Sqlite;

/// <summary>
/// Orleans' reminder table in one SQLite file, for a single silo without a server. A row is keyed by grain id and
/// reminder name and carries the grain's uniform hash (indexed) for the range reads the reminder service makes.
/// ETags are random, so a row that is removed and upserted again never gets an ETag it had before.
/// </summary>
public sealed partial class SqliteReminderTable : IReminderTable, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS orleans_reminders (
            grain_id TEXT NOT NULL,
            reminder_name TEXT NOT NULL,
            grain_hash INTEGER NOT NULL,
            start_at TEXT NOT NULL,
            period_ticks INTEGER NOT NULL,
            etag TEXT NOT NULL,
            PRIMARY KEY (grain_id, reminder_name)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS orleans_reminders_by_hash ON orleans_reminders (grain_hash);
        """;

    private const string Columns = "grain_id, reminder_name, start_at, period_ticks, etag";

    private readonly SqliteDatabase _database;
    private readonly SqliteSynchronousMode _synchronous;
    private readonly ILogger<SqliteReminderTable> _logger;

    public SqliteReminderTable(IOptions<SqliteReminderTableOptions> options, ILogger<SqliteReminderTable> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _database = new SqliteDatabase(settings.DatabasePath, settings.Synchronous, settings.BusyTimeout);
        _synchronous = settings.Synchronous;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _database.InitializeAsync(Schema, cancellationToken);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            LogFailed(ex, "open", _database.FullPath);
            throw new SqliteProviderException($"Could not open the reminder table '{_database.FullPath}'.", ex);
        }

        LogOpened(_database.FullPath, _synchronous);
    }

    /// <summary>Finishes the queued writes and closes the file.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _database.DisposeAsync().AsTask();

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        QueryAsync(
            $"SELECT {Columns} FROM orleans_reminders WHERE grain_id = $grain_id",
            command => command.Parameters.AddWithValue("$grain_id", grainId.ToString()),
            "read the reminders of",
            grainId);

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        // (begin, end] on the hash ring; begin >= end wraps past uint.MaxValue (begin == end is the whole ring).
        var sql = begin < end
            ? $"SELECT {Columns} FROM orleans_reminders WHERE grain_hash > $begin AND grain_hash <= $end"
            : $"""
              SELECT {Columns} FROM orleans_reminders WHERE grain_hash > $begin
              UNION ALL
              SELECT {Columns} FROM orleans_reminders WHERE grain_hash <= $end
              """;
        return QueryAsync(
            sql,
            command =>
            {
                command.Parameters.AddWithValue("$begin", (long)begin);
                command.Parameters.AddWithValue("$end", (long)end);
            },
            "read a hash range of",
            null);
    }

    /// <inheritdoc />
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM orleans_reminders WHERE grain_id = $grain_id AND reminder_name = $name",
            command =>
            {
                command.Parameters.AddWithValue("$grain_id", grainId.ToString());
                command.Parameters.AddWithValue("$name", reminderName);
            },
            "read a reminder of",
            grainId);
        return rows.Reminders.Count == 0 ? null : rows.Reminders[0];
    }

    /// <inheritdoc />
    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var etag = NewETag();
        await ExecuteAsync(
            """
            INSERT INTO orleans_reminders (grain_id, reminder_name, grain_hash, start_at, period_ticks, etag)
            VALUES ($grain_id, $name, $hash, $start_at, $period, $etag)
            ON CONFLICT (grain_id, reminder_name) DO UPDATE SET
                grain_hash = excluded.grain_hash, start_at = excluded.start_at,
                period_ticks = excluded.period_ticks, etag = excluded.etag
            """,
            command =>
            {
                command.Parameters.AddWithValue("$grain_id", entry.GrainId.ToString());
                command.Parameters.AddWithValue("$name", entry.ReminderName);
                command.Parameters.AddWithValue("$hash", (long)entry.GrainId.GetUniformHashCode());
                command.Parameters.AddWithValue("$start_at", entry.StartAt.ToString("O", CultureInfo.InvariantCulture));
                command.Parameters.AddWithValue("$period", entry.Period.Ticks);
                command.Parameters.AddWithValue("$etag", etag);
            },
            "upsert a reminder of",
            entry.GrainId);
        return etag;
    }

    /// <inheritdoc />
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        var removed = await ExecuteAsync(
            "DELETE FROM orleans_reminders WHERE grain_id = $grain_id AND reminder_name = $name AND etag = $etag",
            command =>
            {
                command.Parameters.AddWithValue("$grain_id", grainId.ToString());
                command.Parameters.AddWithValue("$name", reminderName);
                command.Parameters.AddWithValue("$etag", eTag ?? string.Empty);
            },
            "remove a reminder of",
            grainId);
        return removed > 0;
    }

    /// <inheritdoc />
    public Task TestOnlyClearTable() => ExecuteAsync("DELETE FROM orleans_reminders", static _ => { }, "clear", null);

    /// <summary>Finishes the queued writes and closes the file (as <see cref="StopAsync"/> does).</summary>
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    /// <summary>A random ETag (128 bits): never a counter, which would restart after a remove.</summary>
    private static string NewETag() => Guid.NewGuid().ToString("N");

    private async Task<ReminderTableData> QueryAsync(string sql, Action<SqliteCommand> bind, string what, GrainId? grainId)
    {
        try
        {
            await using var connection = await _database.OpenReaderAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            await using var reader = await command.ExecuteReaderAsync();
            var entries = new List<ReminderEntry>();
            while (await reader.ReadAsync())
            {
                if (ReadEntry(reader) is { } entry)
                {
                    entries.Add(entry);
                }
            }

            return new ReminderTableData(entries);
        }
        catch (SqliteException ex)
        {
            throw Failure(ex, what, grainId);
        }
    }

    private async Task<int> ExecuteAsync(string sql, Action<SqliteCommand> bind, string what, GrainId? grainId)
    {
        try
        {
            return await _database.WriteAsync(connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                bind(command);
                return command.ExecuteNonQuery();
            });
        }
        catch (SqliteException ex)
        {
            throw Failure(ex, what, grainId);
        }
    }

    private ReminderEntry? ReadEntry(SqliteDataReader reader)
    {
        var grainIdText = reader.GetString(0);
        var name = reader.GetString(1);
        var startAtText = reader.GetString(2);
        if (!GrainId.TryParse(grainIdText, out var grainId)
            || !DateTime.TryParseExact(startAtText, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var startAt))
        {
            LogMalformedRow(grainIdText, name);
            return null;
        }

        return new ReminderEntry
        {
            GrainId = grainId,
            ReminderName = name,
            StartAt = startAt,
            Period = TimeSpan.FromTicks(reader.GetInt64(3)),
            ETag = reader.GetString(4),
        };
    }

    private SqliteProviderException Failure(SqliteException ex, string what, GrainId? grainId)
    {
        var subject = grainId is { } id ? $"grain {id} in" : "the reminder table";
        var message = $"Could not {what} {subject} '{_database.FullPath}': {ex.Message}";
        LogFailed(ex, what, _database.FullPath);
        return new SqliteProviderException(message, ex);
    }

    [LoggerMessage(EventId = (int)SqliteProviderLogEvent.ReminderTableOpened, Level = LogLevel.Information,
        Message = "SQLite reminder table opened at {DatabasePath} (WAL, synchronous={Synchronous})")]
    private partial void LogOpened(string databasePath, SqliteSynchronousMode synchronous);

    [LoggerMessage(EventId = (int)SqliteProviderLogEvent.ReminderTableFailed, Level = LogLevel.Error,
        Message = "SQLite reminder table {DatabasePath}: {Operation} failed")]
    private partial void LogFailed(Exception exception, string operation, string databasePath);

    [LoggerMessage(EventId = (int)SqliteProviderLogEvent.MalformedReminderRow, Level = LogLevel.Warning,
        Message = "Skipped a reminder row that does not parse: grain id {GrainId}, reminder {ReminderName}")]
    private partial void LogMalformedRow(string grainId, string reminderName);
}
