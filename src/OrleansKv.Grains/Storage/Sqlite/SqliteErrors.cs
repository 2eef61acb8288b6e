using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>Turns SQLite failures into the one exception type that may cross a grain call.</summary>
internal static class SqliteErrors
{
    /// <summary>Wraps <paramref name="exception"/>; <paramref name="operation"/> completes "could not …".</summary>
    public static NamespaceStoreException Wrap(Exception exception, string operation) => exception switch
    {
        NamespaceStoreException already => already,
        SqliteException sqlite => new NamespaceStoreException(
            $"The embedded store could not {operation}: {Describe(sqlite.SqliteErrorCode)}. {sqlite.Message}"),
        _ => new NamespaceStoreException(
            $"The embedded store could not {operation}: {exception.GetType().Name}: {exception.Message}"),
    };

    private static string Describe(int errorCode) => (errorCode & 0xFF) switch
    {
        raw.SQLITE_FULL => "the disk (or the configured database size limit) is full",
        raw.SQLITE_IOERR => "an I/O error occurred",
        raw.SQLITE_BUSY or raw.SQLITE_LOCKED => "the database is locked (is another process using the same data directory?)",
        raw.SQLITE_CORRUPT or raw.SQLITE_NOTADB => "the database file is corrupt or not a SQLite database",
        raw.SQLITE_CANTOPEN => "the database file cannot be opened",
        raw.SQLITE_READONLY or raw.SQLITE_PERM => "the database file is read-only",
        raw.SQLITE_NOMEM => "SQLite ran out of memory",
        raw.SQLITE_TOOBIG => "a value is larger than SQLite accepts",
        _ => $"SQLite error {errorCode}",
    };
}
