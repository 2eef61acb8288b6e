using Microsoft.Data.Sqlite;

namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>
/// One reader connection with its prepared queries. Each query runs in its own implicit read transaction
/// (WAL snapshot) that ends when its data reader is disposed, so a read always sees every commit that
/// completed before it started. Listing and expiry queries touch only <c>entries</c> and its expiry index,
/// never value pages.
/// </summary>
internal sealed class SqliteReader : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _read;
    private readonly SqliteCommand _list;
    private readonly SqliteCommand _expired;
    private readonly SqliteCommand _nextExpiry;
    private readonly SqliteCommand _epoch;

    public SqliteReader(string path)
    {
        _connection = SqliteConnections.OpenReader(path);
        try
        {
            _read = Prepare(
                """
                SELECT e.content_type, e.sha256, e.version, e.created_at, e.updated_at, e.expires_at, o.data, o.encoding, e.size, o.refs
                FROM namespaces n
                JOIN entries e ON e.ns_id = n.id AND e.key = $key
                JOIN objects o ON o.id = e.value_id
                WHERE n.name = $ns
                """,
                ("$ns", SqliteType.Text), ("$key", SqliteType.Blob));
            _list = Prepare(
                """
                SELECT e.key, e.size, e.version, e.expires_at
                FROM namespaces n
                JOIN entries e ON e.ns_id = n.id
                WHERE n.name = $ns AND e.key >= $lower AND e.key < $upper
                  AND (e.expires_at IS NULL OR e.expires_at > $now)
                ORDER BY e.key
                LIMIT $limit
                """,
                ("$ns", SqliteType.Text), ("$lower", SqliteType.Blob), ("$upper", SqliteType.Blob),
                ("$now", SqliteType.Integer), ("$limit", SqliteType.Integer));
            _expired = Prepare(
                """
                SELECT e.key, e.version, e.expires_at
                FROM namespaces n
                JOIN entries e ON e.ns_id = n.id
                WHERE n.name = $ns AND e.expires_at IS NOT NULL AND e.expires_at <= $now
                ORDER BY e.expires_at, e.key
                LIMIT $limit
                """,
                ("$ns", SqliteType.Text), ("$now", SqliteType.Integer), ("$limit", SqliteType.Integer));
            _nextExpiry = Prepare(
                """
                SELECT e.expires_at
                FROM namespaces n
                JOIN entries e ON e.ns_id = n.id
                WHERE n.name = $ns AND e.expires_at IS NOT NULL
                ORDER BY e.expires_at
                LIMIT 1
                """,
                ("$ns", SqliteType.Text));
            _epoch = Prepare("SELECT epoch FROM namespaces WHERE name = $ns", ("$ns", SqliteType.Text));
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public StoredEntry? Read(string ns, string key, byte[] keyBytes)
    {
        _read.Parameters[0].Value = ns;
        _read.Parameters[1].Value = keyBytes;
        using var reader = _read.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new StoredEntry(
            key,
            ValueCompression.Decode(reader.GetFieldValue<byte[]>(6), (ValueEncoding)reader.GetInt32(7), reader.GetInt64(8)),
            reader.IsDBNull(0) ? null : reader.GetString(0),
            ContentHash.Of(reader.GetFieldValue<byte[]>(1)),
            reader.GetInt64(2),
            reader.GetInt64(3),
            reader.GetInt64(4),
            reader.IsDBNull(5) ? null : reader.GetInt64(5))
        {
            Refs = reader.GetInt64(9),
        };
    }

    public List<EntrySummary> ListPage(string ns, byte[] lower, byte[] upper, int limit, long nowUnixMs)
    {
        var p = _list.Parameters;
        p[0].Value = ns;
        p[1].Value = lower;
        p[2].Value = upper;
        p[3].Value = nowUnixMs;
        p[4].Value = limit;
        var page = new List<EntrySummary>(Math.Min(limit, 1024));
        using var reader = _list.ExecuteReader();
        while (reader.Read())
        {
            page.Add(new EntrySummary(
                Utf8Keys.Decode(reader.GetFieldValue<byte[]>(0)),
                reader.GetInt64(1),
                reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3)));
        }

        return page;
    }

    public List<ExpiredEntry> ReadExpired(string ns, long nowUnixMs, int limit)
    {
        _expired.Parameters[0].Value = ns;
        _expired.Parameters[1].Value = nowUnixMs;
        _expired.Parameters[2].Value = limit;
        var expired = new List<ExpiredEntry>(Math.Min(limit, 1024));
        using var reader = _expired.ExecuteReader();
        while (reader.Read())
        {
            expired.Add(new ExpiredEntry(Utf8Keys.Decode(reader.GetFieldValue<byte[]>(0)), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return expired;
    }

    public long? NextExpiry(string ns)
    {
        _nextExpiry.Parameters[0].Value = ns;
        using var reader = _nextExpiry.ExecuteReader();
        return reader.Read() ? reader.GetInt64(0) : null;
    }

    /// <summary>The namespace's current epoch, or null when it was never claimed.</summary>
    public long? Epoch(string ns)
    {
        _epoch.Parameters[0].Value = ns;
        using var reader = _epoch.ExecuteReader();
        return reader.Read() ? reader.GetInt64(0) : null;
    }

    public void Dispose()
    {
        _epoch.Dispose();
        _read.Dispose();
        _list.Dispose();
        _expired.Dispose();
        _nextExpiry.Dispose();
        _connection.Dispose();
    }

    private SqliteCommand Prepare(string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            command.Parameters.Add(name, type);
        }

        command.Prepare();
        return command;
    }
}
