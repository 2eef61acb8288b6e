using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>
/// The embedded store's tables. Entry metadata and contents live apart so that listing and expiry queries never
/// touch value pages (values may be 16 MiB), and each content is stored once per namespace:
/// <list type="bullet">
/// <item><c>namespaces</c>: one row per namespace with its fencing state (epoch, revision, the last epoch released
/// by its activation) and stats (keys, logical bytes, objects, stored bytes).</item>
/// <item><c>entries</c>: a WITHOUT ROWID table clustered on (ns_id, key BLOB of UTF-8), so a listing is a range scan
/// in byte order over small rows; <c>value_id</c> points at the entry's object.</item>
/// <item><c>entries_expiry</c>: a partial covering index of entries with a TTL, ordered by expiry.</item>
/// <item><c>objects</c>: one row per distinct content of a namespace (unique on ns_id, sha256): the stored bytes
/// (raw or zstd), the logical size and a reference count; the last reference removes it in the same commit.</item>
/// </list>
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The schema version this build writes, kept in <c>PRAGMA user_version</c>.</summary>
    public const int Version = 3;

    private const string Create = """
        CREATE TABLE IF NOT EXISTS namespaces (
            id             INTEGER PRIMARY KEY,
            name           TEXT    NOT NULL UNIQUE,
            epoch          INTEGER NOT NULL,
            revision       INTEGER NOT NULL,
            key_count      INTEGER NOT NULL,
            total_bytes    INTEGER NOT NULL,
            released_epoch INTEGER NOT NULL DEFAULT 0,
            object_count   INTEGER NOT NULL DEFAULT 0,
            stored_bytes   INTEGER NOT NULL DEFAULT 0
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
        CREATE TABLE IF NOT EXISTS objects (
            id          INTEGER PRIMARY KEY,
            ns_id       INTEGER NOT NULL,
            sha256      BLOB    NOT NULL,
            refs        INTEGER NOT NULL,
            size        INTEGER NOT NULL,
            stored_size INTEGER NOT NULL,
            encoding    INTEGER NOT NULL,
            data        BLOB    NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS objects_by_hash ON objects (ns_id, sha256);
        """;

    /// <summary>Version 2: the epoch an activation released on deactivation, so a new claim knows it need not wait.
    /// Namespaces of a version 1 file count as released: that build had no read leases to wait for.</summary>
    private const string UpgradeV1ToV2 = """
        ALTER TABLE namespaces ADD COLUMN released_epoch INTEGER NOT NULL DEFAULT 0;
        UPDATE namespaces SET released_epoch = epoch;
        """;

    /// <summary>
    /// Version 3: contents are stored once per namespace. Every entry_values row becomes an object (the first of each
    /// (namespace, sha256) is kept, raw; later writes compress), entries point at their object, and the namespace
    /// stats gain object count and stored bytes.
    /// </summary>
    private const string UpgradeV2ToV3 = """
        CREATE TABLE objects (
            id          INTEGER PRIMARY KEY,
            ns_id       INTEGER NOT NULL,
            sha256      BLOB    NOT NULL,
            refs        INTEGER NOT NULL,
            size        INTEGER NOT NULL,
            stored_size INTEGER NOT NULL,
            encoding    INTEGER NOT NULL,
            data        BLOB    NOT NULL
        );
        INSERT INTO objects (ns_id, sha256, refs, size, stored_size, encoding, data)
            SELECT g.ns_id, g.sha256, g.refs, g.size, g.size, 0, v.value
            FROM (SELECT ns_id, sha256, count(*) AS refs, max(size) AS size, min(value_id) AS first
                  FROM entries GROUP BY ns_id, sha256) g
            JOIN entry_values v ON v.id = g.first;
        CREATE UNIQUE INDEX objects_by_hash ON objects (ns_id, sha256);
        UPDATE entries SET value_id = (SELECT o.id FROM objects o WHERE o.ns_id = entries.ns_id AND o.sha256 = entries.sha256);
        DROP TABLE entry_values;
        ALTER TABLE namespaces ADD COLUMN object_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE namespaces ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0;
        UPDATE namespaces SET
            object_count = (SELECT count(*) FROM objects o WHERE o.ns_id = namespaces.id),
            stored_bytes = (SELECT coalesce(sum(o.stored_size), 0) FROM objects o WHERE o.ns_id = namespaces.id);
        """;

    /// <summary>The upgrade from version <c>i</c> to <c>i + 1</c>, by <c>i</c>.</summary>
    private static readonly Dictionary<int, string> Upgrades = new() { [1] = UpgradeV1ToV2, [2] = UpgradeV2ToV3 };

    /// <summary>Creates the schema when the file is new, upgrades an older one step by step in one transaction;
    /// idempotent; refuses a file from a newer build.</summary>
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
            if (current == 0)
            {
                SqliteConnections.Execute(writer, Create);
            }
            else
            {
                for (var step = current; step < Version; step++)
                {
                    SqliteConnections.Execute(writer, Upgrades[step]);
                }
            }

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
