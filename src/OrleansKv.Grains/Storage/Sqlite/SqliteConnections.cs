using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>Opens the store's connections with the pragmas each role needs.</summary>
internal static class SqliteConnections
{
    /// <summary>Keep the WAL file at most this large after a checkpoint (a 16 MiB value can balloon it).</summary>
    private const long JournalSizeLimitBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Opens the single writer connection: WAL mode (persistent in the file) and the synchronous level
    /// that <paramref name="durability"/> asks for (a per-connection setting, so it belongs to the writer).
    /// </summary>
    public static SqliteConnection OpenWriter(string path, SqliteDurability durability)
    {
        var connection = Open(path);
        try
        {
            var mode = Convert.ToString(Scalar(connection, "PRAGMA journal_mode = WAL;"), CultureInfo.InvariantCulture);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new NamespaceStoreException($"SQLite refused WAL mode for '{path}' (journal_mode is '{mode}').");
            }

            Execute(connection, durability == SqliteDurability.Full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
            Execute(connection, $"PRAGMA journal_size_limit = {JournalSizeLimitBytes.ToString(CultureInfo.InvariantCulture)};");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Opens a reader connection; <c>query_only</c> guards against a write slipping onto it.</summary>
    public static SqliteConnection OpenReader(string path)
    {
        var connection = Open(path);
        try
        {
            Execute(connection, "PRAGMA query_only = 1;");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>True while <paramref name="connection"/> has an open transaction (SQLite may abort one on I/O errors).</summary>
    public static bool InTransaction(SqliteConnection connection) => raw.sqlite3_get_autocommit(connection.Handle) == 0;

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static SqliteConnection Open(string path)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            // The store owns its connections for its whole life; pooling would keep files open after disposal.
            Pooling = false,
            DefaultTimeout = 30,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = 5000;");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
