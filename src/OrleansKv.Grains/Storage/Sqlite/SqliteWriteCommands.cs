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
    private readonly SqliteCommand _findObject;
    private readonly SqliteCommand _insertObject;
    private readonly SqliteCommand _increfObject;
    private readonly SqliteCommand _decrefObject;
    private readonly SqliteCommand _deleteObject;
    private readonly ValueCompression _compression;

    public SqliteWriteCommands(SqliteConnection connection, ValueCompression compression)
    {
        _connection = connection;
        _compression = compression;
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
            RETURNING epoch, revision, key_count, total_bytes, released_epoch, object_count, stored_bytes
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
            UPDATE namespaces SET revision = $revision, key_count = key_count + $count, total_bytes = total_bytes + $bytes,
                object_count = object_count + $objects, stored_bytes = stored_bytes + $stored
            WHERE id = $id
            RETURNING key_count, total_bytes, object_count, stored_bytes
            """,
            ("$id", SqliteType.Integer), ("$revision", SqliteType.Integer), ("$count", SqliteType.Integer), ("$bytes", SqliteType.Integer),
            ("$objects", SqliteType.Integer), ("$stored", SqliteType.Integer));
        _findEntry = Prepare(
            "SELECT value_id, size, sha256 FROM entries WHERE ns_id = $ns AND key = $key",
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
            "DELETE FROM entries WHERE ns_id = $ns AND key = $key",
            ("$ns", SqliteType.Integer), ("$key", SqliteType.Blob));
        _findObject = Prepare(
            "SELECT id FROM objects WHERE ns_id = $ns AND sha256 = $sha",
            ("$ns", SqliteType.Integer), ("$sha", SqliteType.Blob));
        _insertObject = Prepare(
            """
            INSERT INTO objects (ns_id, sha256, refs, size, stored_size, encoding, data)
            VALUES ($ns, $sha, 1, $size, $stored, $encoding, $data) RETURNING id
            """,
            ("$ns", SqliteType.Integer), ("$sha", SqliteType.Blob), ("$size", SqliteType.Integer), ("$stored", SqliteType.Integer),
            ("$encoding", SqliteType.Integer), ("$data", SqliteType.Blob));
        _increfObject = Prepare(
            "UPDATE objects SET refs = refs + 1 WHERE id = $id RETURNING refs",
            ("$id", SqliteType.Integer));
        _decrefObject = Prepare(
            "UPDATE objects SET refs = refs - 1 WHERE id = $id RETURNING refs, stored_size, sha256",
            ("$id", SqliteType.Integer));
        _deleteObject = Prepare(
            "DELETE FROM objects WHERE id = $id",
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
        return new NamespaceSnapshot(epoch, reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), PreviousHolderActive: reader.GetInt64(4) != epoch - 1)
        {
            Objects = reader.GetInt64(5),
            StoredBytes = reader.GetInt64(6),
        };
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

        var delta = new CommitDelta();
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
            var existing = FindEntry(nsId, key);
            if (mutation.Kind == MutationKind.Put)
            {
                var entry = mutation.Entry!;
                var sha = entry.Sha256.ToArray();
                long valueId;
                if (existing is { } same && same.Sha256.AsSpan().SequenceEqual(sha))
                {
                    valueId = same.ValueId;
                }
                else
                {
                    valueId = Acquire(nsId, entry, sha, ref delta);
                    if (existing is { } old)
                    {
                        Release(old.ValueId, ref delta);
                    }
                }

                ExecuteEntry(existing is null ? _insertEntry : _updateEntry, nsId, key, entry, sha, valueId);
                if (existing is { } replaced)
                {
                    delta.Bytes += entry.Value.LongLength - replaced.Size;
                }
                else
                {
                    delta.Keys++;
                    delta.Bytes += key.LongLength + entry.Value.LongLength;
                }
            }
            else if (existing is { } removed)
            {
                DeleteEntry(nsId, key);
                Release(removed.ValueId, ref delta);
                delta.Keys--;
                delta.Bytes -= key.LongLength + removed.Size;
            }
        }

        var p = _updateNamespace.Parameters;
        p[0].Value = nsId;
        p[1].Value = batch.NewRevision;
        p[2].Value = delta.Keys;
        p[3].Value = delta.Bytes;
        p[4].Value = delta.Objects;
        p[5].Value = delta.StoredBytes;
        using var counts = _updateNamespace.ExecuteReader();
        counts.Read();
        return new CommitResult(CommitStatus.Committed, counts.GetInt64(0), counts.GetInt64(1))
        {
            Objects = counts.GetInt64(2),
            StoredBytes = counts.GetInt64(3),
            DedupHits = delta.DedupHits,
            ContentRefs = delta.Refs is null ? [] : [.. delta.Refs],
        };
    }

    /// <summary>Adds a reference to the entry's content: to the namespace's object of that SHA-256 (a dedup hit), or
    /// to a new object holding the compressed or raw bytes. Returns the object's id.</summary>
    private long Acquire(long nsId, StoredEntry entry, byte[] sha, ref CommitDelta delta)
    {
        _findObject.Parameters[0].Value = nsId;
        _findObject.Parameters[1].Value = sha;
        if (_findObject.ExecuteScalar() is long id)
        {
            _increfObject.Parameters[0].Value = id;
            delta.Note(entry.Sha256, (long)_increfObject.ExecuteScalar()!);
            delta.DedupHits++;
            return id;
        }

        var (data, encoding) = _compression.Encode(entry.Value);
        var p = _insertObject.Parameters;
        p[0].Value = nsId;
        p[1].Value = sha;
        p[2].Value = entry.Value.LongLength;
        p[3].Value = data.LongLength;
        p[4].Value = (int)encoding;
        p[5].Value = data;
        var created = (long)_insertObject.ExecuteScalar()!;
        delta.Objects++;
        delta.StoredBytes += data.LongLength;
        delta.Note(entry.Sha256, 1);
        return created;
    }

    /// <summary>Drops a reference to an object; the last one removes it.</summary>
    private void Release(long objectId, ref CommitDelta delta)
    {
        _decrefObject.Parameters[0].Value = objectId;
        long refs, storedSize;
        byte[] sha256;
        using (var reader = _decrefObject.ExecuteReader())
        {
            if (!reader.Read())
            {
                throw new NamespaceStoreException($"An entry points at object {objectId}, which does not exist.");
            }

            refs = reader.GetInt64(0);
            storedSize = reader.GetInt64(1);
            sha256 = reader.GetFieldValue<byte[]>(2);
        }

        if (refs <= 0)
        {
            _deleteObject.Parameters[0].Value = objectId;
            _deleteObject.ExecuteNonQuery();
            delta.Objects--;
            delta.StoredBytes -= storedSize;
        }

        delta.Note(sha256, Math.Max(refs, 0));
    }

    public void Dispose()
    {
        foreach (var command in _all)
        {
            command.Dispose();
        }

        _all.Clear();
    }

    private (long ValueId, long Size, byte[] Sha256)? FindEntry(long nsId, byte[] key)
    {
        _findEntry.Parameters[0].Value = nsId;
        _findEntry.Parameters[1].Value = key;
        using var reader = _findEntry.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)) : null;
    }

    private void DeleteEntry(long nsId, byte[] key)
    {
        _deleteEntry.Parameters[0].Value = nsId;
        _deleteEntry.Parameters[1].Value = key;
        _deleteEntry.ExecuteNonQuery();
    }

    private static void ExecuteEntry(SqliteCommand command, long nsId, byte[] key, StoredEntry entry, byte[] sha, long valueId)
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
        p[8].Value = sha;
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

/// <summary>What one commit changes in a namespace's stats, and the reference counts it leaves on the contents it touched.</summary>
internal struct CommitDelta
{
    public long Keys;
    public long Bytes;
    public long Objects;
    public long StoredBytes;
    public long DedupHits;
    public Dictionary<ContentHash, long>? Refs;

    public void Note(ContentHash hash, long refs) => (Refs ??= [])[hash] = refs;

    public void Note(byte[] sha256, long refs) => Note(ContentHash.Of(sha256), refs);
}
