using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OrleansKv.Providers.Sqlite;

/// <summary>
/// One provider's database file. Each call takes a pooled connection, sets the per-connection pragmas and runs
/// one short statement; WAL lets readers proceed while a writer commits, and writers queue on SQLite's own lock
/// (up to the busy timeout), so no lock of ours is ever held across an await.
/// </summary>
internal sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly string _connectionPragmas;

    public SqliteDatabase(string databasePath, SqliteSynchronousMode synchronous, TimeSpan busyTimeout)
    {
        FullPath = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString();
        var level = synchronous == SqliteSynchronousMode.Normal ? "NORMAL" : "FULL";
        var busyMs = ((long)busyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        _connectionPragmas = $"PRAGMA synchronous = {level}; PRAGMA busy_timeout = {busyMs};";
    }

    /// <summary>The absolute path of the database file.</summary>
    public string FullPath { get; }

    /// <summary>Creates the directory and the file, switches the file to WAL mode (a setting the file keeps) and applies <paramref name="schema"/>.</summary>
    public async Task InitializeAsync(string schema, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(FullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new SqliteProviderException($"SQLite refused WAL mode for '{FullPath}' (journal_mode is '{mode}').");
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = schema;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Opens a (pooled) connection with the synchronous level and busy timeout applied.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = _connectionPragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes the idle pooled connections, so the file is no longer held open once the provider stops.</summary>
    public void ReleaseConnections()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
