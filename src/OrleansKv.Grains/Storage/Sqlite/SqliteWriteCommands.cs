using Microsoft.Data.Sqlite;

namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>
/// The writer connection with its prepared statements, and the SQL steps of a claim and a commit.
/// Used by the writer thread only; every statement is prepared once and reused with new parameter values.
/// </summary>
internal sealed class SqliteWriteCommands : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly List<SqliteCommand> _all = [];

    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteCommand _savepoint;
    private readonly SqliteCommand _release;
    private readonly SqliteCommand _rollbackToSavepoint;

    private readonly SqliteCommand _claim;
    private readonly SqliteCommand _releaseClaim;
    private readonly SqliteCommand _findNamespace;
    private readonly SqliteCommand _updateNamespace;
    private readonly SqliteCommand _findEntry;
    private readonly SqliteCommand _insertEntry;
    private readonly SqliteCommand _updateEntry;
    private readonly SqliteCommand _deleteEntry;
    private readonly SqliteCommand _insertValue;
    private readonly SqliteCommand _updateValue;
    private readonly SqliteCommand _deleteValue;

    public SqliteWriteCommands(SqliteConnection connection)
    {
        _connection = connection;
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _savepoint = Prepare("SAVEPOINT batch");
        _release = Prepare("RELEASE batch");
        _rollbackToSavepoint = Prepare("ROLLBACK TO batch");

        _claim = Prepare(
            """
            INSERT INTO namespaces (name, epoch, revision, key_count, total_bytes) VALUES ($ns, 1, 0, 0, 0)
            ON CONFLICT (name) DO UPDATE SET epoch = epoch + 1
            RETURNING epoch, revision, key_count, total_bytes, released_epoch
            """,
            ("$ns", SqliteType.Text));
        _releaseClaim = Prepare(
            "UPDATE namespaces SET released_epoch = $epoch WHERE name = $ns AND epoch = $epoch",
            ("$ns", SqliteType.Text), ("$epoch", SqliteType.Integer));
        _findNamespace = Prepare(
            "SELECT id, epoch, revision FROM namespaces WHERE name = $ns",
            ("$ns", SqliteType.Text));
        _updateNamespace = Prepare(
            """
            UPDATE namespaces SET revision = $revision, key_count = key_count + $count, total_bytes = total_bytes + $bytes
            WHERE id = $id
            RETURNING key_count, total_bytes
            """,
            ("$id", SqliteType.Integer), ("$revision", SqliteType.Integer), ("$count", SqliteType.Integer), ("$bytes", SqliteType.Integer));
        _findEntry = Prepare(
            "SELECT value_id, size FROM entries WHERE ns_id = $ns AND key = $key",
            ("$ns", SqliteType.Integer), ("$key", SqliteType.Blob));
        _insertEntry = Prepare(
            """
            INSERT INTO entries (ns_id, key, size, version, created_at, updated_at, expires_at, content_type, sha256, value_id)
            VALUES ($ns, $key, $size, $version, $created, $updated, $expires, $contentType, $sha256, $valueId)
            """,
            EntryParameters);
        _updateEntry = Prepare(
            """
            UPDATE entries SET size = $size, version = $version, created_at = $created, updated_at = $updated,
                expires_at = $expires, content_type = $contentType, sha256 = $sha256, value_id = $valueId
            WHERE ns_id = $ns AND key = $key
            """,
            EntryParameters);
        _deleteEntry = Prepare(
            "DELETE FROM entries WHERE ns_id = $ns AND key = $key RETURNING value_id, size",
            ("$ns", SqliteType.Integer), ("$key", SqliteType.Blob));
        _insertValue = Prepare(
            "INSERT INTO entry_values (value) VALUES ($value) RETURNING id",
            ("$value", SqliteType.Blob));
        _updateValue = Prepare(
            "UPDATE entry_values SET value = $value WHERE id = $id",
            ("$id", SqliteType.Integer), ("$value", SqliteType.Blob));
        _deleteValue = Prepare(
            "DELETE FROM entry_values WHERE id = $id",
            ("$id", SqliteType.Integer));
    }

    private static (string, SqliteType)[] EntryParameters =>
    [
        ("$ns", SqliteType.Integer), ("$key", SqliteType.Blob), ("$size", SqliteType.Integer), ("$version", SqliteType.Integer),
        ("$created", SqliteType.Integer), ("$updated", SqliteType.Integer), ("$expires", SqliteType.Integer),
        ("$contentType", SqliteType.Text), ("$sha256", SqliteType.Blob), ("$valueId", SqliteType.Integer),
    ];

    public SqliteConnection Connection => _connection;

    public bool InTransaction => SqliteConnections.InTransaction(_connection);

    public void Begin() => _begin.ExecuteNonQuery();

    public void Commit() => _commit.ExecuteNonQuery();

    /// <summary>Rolls the whole transaction back if SQLite has not already done so.</summary>
    public void RollbackIfOpen()
    {
        if (InTransaction)
        {
            _rollback.ExecuteNonQuery();
        }
    }

    public void Savepoint() => _savepoint.ExecuteNonQuery();

    public void Release() => _release.ExecuteNonQuery();

    /// <summary>Rolls back without throwing: used on paths that already report an error.</summary>
    public void RollbackIfOpenQuietly()
    {
        try
        {
            RollbackIfOpen();
        }
        catch (SqliteException)
        {
            // The transaction is gone either way: SQLite rolls back when it cannot, and the next BEGIN says so.
        }
    }

    /// <summary>Undoes everything since <see cref="Savepoint"/> and closes the savepoint; false if that failed.</summary>
    public bool TryRollbackToSavepoint()
    {
        try
        {
            _rollbackToSavepoint.ExecuteNonQuery();
            _release.ExecuteNonQuery();
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>Increments the epoch (creating the namespace on first use) and returns the new state.</summary>
    public NamespaceSnapshot Claim(string ns)
    {
        _claim.Parameters[0].Value = ns;
        using var reader = _claim.ExecuteReader();
        if (!reader.Read())
        {
            throw new NamespaceStoreException($"Claiming namespace '{ns}' returned no row.");
        }

        var epoch = reader.GetInt64(0);
        return new NamespaceSnapshot(epoch, reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), PreviousHolderActive: reader.GetInt64(4) != epoch - 1);
    }

    /// <summary>Marks <paramref name="epoch"/> released when it is still the namespace's epoch.</summary>
    public bool ReleaseClaim(string ns, long epoch)
    {
        _releaseClaim.Parameters[0].Value = ns;
        _releaseClaim.Parameters[1].Value = epoch;
        return _releaseClaim.ExecuteNonQuery() == 1;
    }

    /// <summary>
    /// Applies <paramref name="batch"/> when the stored epoch and revision match, maintaining the stats and
    /// the revision; otherwise changes nothing and returns <see cref="CommitResult.Fenced"/>. The caller wraps
    /// this in a savepoint so a failure half-way leaves nothing behind.
    /// </summary>
    public CommitResult ApplyBatch(string ns, CommitBatch batch, byte[][] keys)
    {
        _findNamespace.Parameters[0].Value = ns;
        long nsId;
        using (var reader = _findNamespace.ExecuteReader())
        {
            if (!reader.Read() || reader.GetInt64(1) != batch.Epoch || reader.GetInt64(2) != batch.ExpectedRevision)
            {
                return CommitResult.Fenced;
            }

            nsId = reader.GetInt64(0);
        }

        long countDelta = 0;
        long bytesDelta = 0;
        // Only the last write of each key runs: a hot key written 64 times in one group commit costs 3 statements, not 192.
        var superseded = CommitBatches.Superseded(batch.Mutations);
        for (var i = 0; i < keys.Length; i++)
        {
            if (superseded?[i] == true)
            {
                continue;
            }

            var mutation = batch.Mutations[i];
            var key = keys[i];
            if (mutation.Kind == MutationKind.Put)
            {
                var entry = mutation.Entry!;
                var existing = FindEntry(nsId, key);
                if (existing is { } old)
                {
                    _updateValue.Parameters[0].Value = old.ValueId;
                    _updateValue.Parameters[1].Value = entry.Value;
                    _updateValue.ExecuteNonQuery();
                    ExecuteEntry(_updateEntry, nsId, key, entry, old.ValueId);
                    bytesDelta += entry.Value.LongLength - old.Size;
                }
                else
                {
                    _insertValue.Parameters[0].Value = entry.Value;
                    var valueId = (long)_insertValue.ExecuteScalar()!;
                    ExecuteEntry(_insertEntry, nsId, key, entry, valueId);
                    countDelta++;
                    bytesDelta += key.LongLength + entry.Value.LongLength;
                }
            }
            else if (DeleteEntry(nsId, key) is { } removed)
            {
                _deleteValue.Parameters[0].Value = removed.ValueId;
                _deleteValue.ExecuteNonQuery();
                countDelta--;
                bytesDelta -= key.LongLength + removed.Size;
            }
        }

        _updateNamespace.Parameters[0].Value = nsId;
        _updateNamespace.Parameters[1].Value = batch.NewRevision;
        _updateNamespace.Parameters[2].Value = countDelta;
        _updateNamespace.Parameters[3].Value = bytesDelta;
        using var counts = _updateNamespace.ExecuteReader();
        counts.Read();
        return new CommitResult(CommitStatus.Committed, counts.GetInt64(0), counts.GetInt64(1));
    }

    public void Dispose()
    {
        foreach (var command in _all)
        {
            command.Dispose();
        }

        _all.Clear();
    }

    private (long ValueId, long Size)? FindEntry(long nsId, byte[] key)
    {
        _findEntry.Parameters[0].Value = nsId;
        _findEntry.Parameters[1].Value = key;
        using var reader = _findEntry.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    private (long ValueId, long Size)? DeleteEntry(long nsId, byte[] key)
    {
        _deleteEntry.Parameters[0].Value = nsId;
        _deleteEntry.Parameters[1].Value = key;
        using var reader = _deleteEntry.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    private static void ExecuteEntry(SqliteCommand command, long nsId, byte[] key, StoredEntry entry, long valueId)
    {
        var p = command.Parameters;
        p[0].Value = nsId;
        p[1].Value = key;
        p[2].Value = entry.Value.LongLength;
        p[3].Value = entry.Version;
        p[4].Value = entry.CreatedAt;
        p[5].Value = entry.UpdatedAt;
        p[6].Value = entry.ExpiresAt is { } expires ? expires : DBNull.Value;
        p[7].Value = (object?)entry.ContentType ?? DBNull.Value;
        p[8].Value = entry.Sha256;
        p[9].Value = valueId;
        command.ExecuteNonQuery();
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
        _all.Add(command);
        return command;
    }
}
