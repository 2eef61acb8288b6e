using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>
/// The embedded store's tables. Entry metadata and values live apart so that listing and expiry
/// queries never touch value pages (values may be 16 MiB):
/// <list type="bullet">
/// <item><c>namespaces</c>: one row per namespace with its fencing state (epoch, revision, the last epoch released
/// by its activation) and stats.</item>
/// <item><c>entries</c>: a WITHOUT ROWID table clustered on (ns_id, key BLOB of UTF-8), so a listing is a
/// range scan in byte order over small rows; <c>value_id</c> points into <c>entry_values</c>.</item>
/// <item><c>entries_expiry</c>: a partial covering index of entries with a TTL, ordered by expiry.</item>
/// <item><c>entry_values</c>: rowid table holding only the value bytes.</item>
/// </list>
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The schema version this build writes, kept in <c>PRAGMA user_version</c>.</summary>
    public const int Version = 2;

    private const string Create = """
        CREATE TABLE IF NOT EXISTS namespaces (
            id          INTEGER PRIMARY KEY,
            name        TEXT    NOT NULL UNIQUE,
            epoch       INTEGER NOT NULL,
            revision    INTEGER NOT NULL,
            key_count   INTEGER NOT NULL,
            total_bytes INTEGER NOT NULL,
            released_epoch INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS entries (
            ns_id        INTEGER NOT NULL,
            key          BLOB    NOT NULL,
            size         INTEGER NOT NULL,
            version      INTEGER NOT NULL,
            created_at   INTEGER NOT NULL,
            updated_at   INTEGER NOT NULL,
            expires_at   INTEGER,
            content_type TEXT,
            sha256       BLOB    NOT NULL,
            value_id     INTEGER NOT NULL,
            PRIMARY KEY (ns_id, key)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS entries_expiry
            ON entries (ns_id, expires_at, key, version) WHERE expires_at IS NOT NULL;
        CREATE TABLE IF NOT EXISTS entry_values (
            id    INTEGER PRIMARY KEY,
            value BLOB NOT NULL
        );
        """;

    /// <summary>Version 2: the epoch an activation released on deactivation, so a new claim knows it need not wait.
    /// Namespaces of a version 1 file count as released: that build had no read leases to wait for.</summary>
    private const string UpgradeV1ToV2 = """
        ALTER TABLE namespaces ADD COLUMN released_epoch INTEGER NOT NULL DEFAULT 0;
        UPDATE namespaces SET released_epoch = epoch;
        """;

    /// <summary>Creates the schema when the file is new, upgrades an older one; idempotent; refuses a file from a newer build.</summary>
    /// <returns>The schema version of the file.</returns>
    public static int EnsureCreated(SqliteConnection writer, string path)
    {
        var current = Convert.ToInt32(SqliteConnections.Scalar(writer, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (current > Version)
        {
            throw new NamespaceStoreException(
                $"The database '{path}' has schema version {current}; this build understands up to {Version}.");
        }

        if (current == Version)
        {
            return current;
        }

        SqliteConnections.Execute(writer, "BEGIN IMMEDIATE;");
        try
        {
            SqliteConnections.Execute(writer, current == 1 ? UpgradeV1ToV2 : Create);
            SqliteConnections.Execute(writer, $"PRAGMA user_version = {Version.ToString(CultureInfo.InvariantCulture)};");
            SqliteConnections.Execute(writer, "COMMIT;");
        }
        catch
        {
            if (SqliteConnections.InTransaction(writer))
            {
                SqliteConnections.Execute(writer, "ROLLBACK;");
            }

            throw;
        }

        return Version;
    }
}
