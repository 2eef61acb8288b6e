using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Sqlite;

namespace OrleansKv.Tests.Storage;

/// <summary>The contract scenarios against the embedded store, plus what only SQLite has.</summary>
public sealed class SqliteNamespaceStoreTests : NamespaceStoreContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override Task<INamespaceStore> CreateStoreAsync() => Task.FromResult<INamespaceStore>(OpenStore());

    /// <summary>Runs after <see cref="NamespaceStoreContractTests.DisposeAsync"/> has closed the store.</summary>
    public void Dispose() => _directory.Dispose();

    private SqliteNamespaceStore Sqlite => (SqliteNamespaceStore)Store;

    private SqliteNamespaceStore OpenStore(SqliteDurability durability = SqliteDurability.Full, int readerPoolSize = 4) =>
        new(new SqliteStoreOptions { DataDirectory = _directory.Path, Durability = durability, ReaderPoolSize = readerPoolSize },
            NullLogger<SqliteNamespaceStore>.Instance);

    [Fact]
    public async Task DataSurvivesDisposeAndReopen()
    {
        var session = await Open();
        await session.Put("kept", "value", expiresAt: 5_000);
        await session.Put("other", "x");
        await Sqlite.DisposeAsync();

        await using var reopened = OpenStore();

        Assert.Equal("value", Text(await reopened.ReadAsync(session.Ns, "kept", default)));
        Assert.Equal(new NamespaceSnapshot(session.Epoch + 1, 2, 2, "keptvalueotherx".Length, PreviousHolderActive: true) { Objects = 2, StoredBytes = "valuex".Length }, await reopened.ClaimAsync(session.Ns, default));
        Assert.Equal(5_000, await reopened.NextExpiryAsync(session.Ns, default));
        Assert.Equal(2, (await reopened.ListPageAsync(session.Ns, "", null, 10, 0, default)).Count);
    }

    [Fact]
    public async Task RepeatedKeysInOneCommitEndAsTheLastWriteWithTheSameStats()
    {
        var session = await Open();
        await session.Put("existing", "old");
        await session.Put("doomed", "abc");
        var v = session.NextRevision;

        await session.Commit(
            EntryMutation.Put(Entry("existing", "first", v)),
            EntryMutation.Put(Entry("fresh", "1", v)),
            EntryMutation.Delete("existing"),
            EntryMutation.Put(Entry("existing", "last!", v)),
            EntryMutation.Put(Entry("fresh", "22", v)),
            EntryMutation.Put(Entry("doomed", "zz", v)),
            EntryMutation.Delete("doomed"),
            EntryMutation.Put(Entry("transient", "t", v)),
            EntryMutation.Delete("transient"));

        Assert.Equal("last!", Text(await Store.ReadAsync(session.Ns, "existing", default)));
        Assert.Equal("22", Text(await Store.ReadAsync(session.Ns, "fresh", default)));
        Assert.Null(await Store.ReadAsync(session.Ns, "doomed", default));
        Assert.Null(await Store.ReadAsync(session.Ns, "transient", default));
        var snapshot = await Store.ClaimAsync(session.Ns, default);
        Assert.Equal(2, snapshot.KeyCount);
        Assert.Equal("existinglast!fresh22".Length, snapshot.TotalBytes);
        Assert.Equal(v, snapshot.Revision);
        var orphans = await Sqlite.RunOnWriterAsync(c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = """
                SELECT COUNT(*) FROM objects o
                WHERE o.refs <> (SELECT COUNT(*) FROM entries e WHERE e.value_id = o.id)
                   OR NOT EXISTS (SELECT 1 FROM entries e WHERE e.value_id = o.id)
                """;
            return (long)command.ExecuteScalar()!;
        });
        Assert.Equal(0, orphans);
    }

    [Fact]
    public async Task DisposalCheckpointsTheWriteAheadLog()
    {
        var session = await Open();
        await session.Put("k", "v");

        await Sqlite.DisposeAsync();

        var wal = Sqlite.DatabasePath + "-wal";
        Assert.True(!File.Exists(wal) || new FileInfo(wal).Length == 0, "the WAL should be checkpointed and emptied");
    }

    [Theory]
    [InlineData(SqliteDurability.Full, 2)]
    [InlineData(SqliteDurability.Relaxed, 1)]
    public async Task WalModeAndSynchronousLevelAreApplied(SqliteDurability durability, long synchronous)
    {
        await Sqlite.DisposeAsync();
        await using var store = OpenStore(durability);

        var writerSynchronous = await store.RunOnWriterAsync(c => Scalar(c, "PRAGMA synchronous;"));

        Assert.Equal(synchronous, Convert.ToInt64(writerSynchronous, CultureInfo.InvariantCulture));
        using var probe = OpenProbe(store.DatabasePath);
        Assert.Equal("wal", Scalar(probe, "PRAGMA journal_mode;"));
        Assert.Equal(3L, Scalar(probe, "PRAGMA user_version;"));
    }

    [Fact]
    public async Task ReopeningIsIdempotentAndANewerSchemaIsRefused()
    {
        var path = Sqlite.DatabasePath;
        await Sqlite.DisposeAsync();
        await OpenStore().DisposeAsync();

        using (var probe = OpenProbe(path))
        {
            Scalar(probe, "PRAGMA user_version = 99;");
        }

        var error = Assert.Throws<NamespaceStoreException>(() => OpenStore());
        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADatabaseOfSchemaVersion1IsUpgradedAndItsNamespacesCountAsReleased()
    {
        var path = Sqlite.DatabasePath;
        await Sqlite.DisposeAsync();
        File.Delete(path);
        using (var v1 = OpenProbe(path))
        {
            // The tables as the first version of the store created them, with one namespace at epoch 3 and one entry.
            Scalar(v1, """
                CREATE TABLE namespaces (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, epoch INTEGER NOT NULL,
                    revision INTEGER NOT NULL, key_count INTEGER NOT NULL, total_bytes INTEGER NOT NULL);
                CREATE TABLE entries (ns_id INTEGER NOT NULL, key BLOB NOT NULL, size INTEGER NOT NULL, version INTEGER NOT NULL,
                    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, expires_at INTEGER, content_type TEXT,
                    sha256 BLOB NOT NULL, value_id INTEGER NOT NULL, PRIMARY KEY (ns_id, key)) WITHOUT ROWID;
                CREATE INDEX entries_expiry ON entries (ns_id, expires_at, key, version) WHERE expires_at IS NOT NULL;
                CREATE TABLE entry_values (id INTEGER PRIMARY KEY, value BLOB NOT NULL);
                INSERT INTO namespaces VALUES (1, 'old', 3, 7, 1, 3);
                INSERT INTO entry_values VALUES (1, X'7631');
                INSERT INTO entries VALUES (1, X'6B', 2, 7, 1000, 1000, NULL, NULL, zeroblob(32), 1);
                PRAGMA user_version = 1;
                """);
        }

        await using var store = OpenStore();
        var claim = await store.ClaimAsync("old", default);

        Assert.Equal(new NamespaceSnapshot(4, 7, 1, 3, PreviousHolderActive: false) { Objects = 1, StoredBytes = 2 }, claim);
        Assert.Equal("v1", Text(await store.ReadAsync("old", "k", default)));
        Assert.True((await store.ClaimAsync("old", default)).PreviousHolderActive);
        using var probe = OpenProbe(path);
        Assert.Equal(3L, Scalar(probe, "PRAGMA user_version;"));
    }

    [Fact]
    public async Task ADatabaseOfSchemaVersion2IsUpgradedToOneStoredContentPerNamespaceAndHash()
    {
        var path = Sqlite.DatabasePath;
        await Sqlite.DisposeAsync();
        File.Delete(path);
        using (var v2 = OpenProbe(path))
        {
            // Version 2: each entry with a value row of its own; "a" and "b" hold the same bytes (and SHA-256s of 32 bytes).
            Scalar(v2, """
                CREATE TABLE namespaces (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, epoch INTEGER NOT NULL,
                    revision INTEGER NOT NULL, key_count INTEGER NOT NULL, total_bytes INTEGER NOT NULL, released_epoch INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE entries (ns_id INTEGER NOT NULL, key BLOB NOT NULL, size INTEGER NOT NULL, version INTEGER NOT NULL,
                    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, expires_at INTEGER, content_type TEXT,
                    sha256 BLOB NOT NULL, value_id INTEGER NOT NULL, PRIMARY KEY (ns_id, key)) WITHOUT ROWID;
                CREATE INDEX entries_expiry ON entries (ns_id, expires_at, key, version) WHERE expires_at IS NOT NULL;
                CREATE TABLE entry_values (id INTEGER PRIMARY KEY, value BLOB NOT NULL);
                INSERT INTO namespaces VALUES (1, 'old', 2, 3, 3, 12, 2);
                INSERT INTO entry_values VALUES (1, X'737373'), (2, X'737373'), (3, X'7474');
                INSERT INTO entries VALUES
                    (1, X'61', 3, 1, 1000, 1000, NULL, NULL, X'0101010101010101010101010101010101010101010101010101010101010101', 1),
                    (1, X'62', 3, 2, 1000, 1000, NULL, NULL, X'0101010101010101010101010101010101010101010101010101010101010101', 2),
                    (1, X'63', 2, 3, 1000, 1000, NULL, NULL, X'0202020202020202020202020202020202020202020202020202020202020202', 3);
                PRAGMA user_version = 2;
                """);
        }

        await using var store = OpenStore();
        var claim = await store.ClaimAsync("old", default);

        Assert.Equal((2L, 5L), (claim.Objects, claim.StoredBytes));
        Assert.Equal(("sss", 2L), (Text(await store.ReadAsync("old", "a", default)), (await store.ReadAsync("old", "a", default))!.Refs));
        Assert.Equal("sss", Text(await store.ReadAsync("old", "b", default)));
        Assert.Equal(("tt", 1L), (Text(await store.ReadAsync("old", "c", default)), (await store.ReadAsync("old", "c", default))!.Refs));
        using var probe = OpenProbe(path);
        Assert.Equal(3L, Scalar(probe, "PRAGMA user_version;"));
        Assert.Equal(0L, Scalar(probe, "SELECT count(*) FROM sqlite_master WHERE name = 'entry_values';"));
    }

    [Fact]
    public async Task ConcurrentCommitsShareOneTransaction()
    {
        var sessions = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Open()));
        await using var blocked = await WriterBlock.StartAsync(Sqlite);
        var before = Sqlite.TransactionCount;

        var commits = sessions.Select(s => s.TryCommit(EntryMutation.Put(Entry("k", s.Ns, s.NextRevision)))).ToArray();
        blocked.Release();
        var statuses = await Task.WhenAll(commits);

        Assert.All(statuses, status => Assert.Equal(CommitStatus.Committed, status));
        // One transaction for the blocking action, one for all 200 commits queued behind it.
        Assert.Equal(2, Sqlite.TransactionCount - before);
        foreach (var session in sessions)
        {
            Assert.Equal(session.Ns, Text(await Read(session.Ns, "k")));
        }
    }

    [Fact]
    public async Task FencedOrFailingBatchInsideAGroupDoesNotUndoTheOthers()
    {
        var first = await Open();
        var stale = await Open();
        var last = await Open();
        await Claim(stale.Ns);
        await using var blocked = await WriterBlock.StartAsync(Sqlite);
        var before = Sqlite.TransactionCount;

        var committed1 = first.TryCommit(EntryMutation.Put(Entry("k", "first", first.NextRevision)));
        var fenced = stale.TryCommit(EntryMutation.Put(Entry("k", "stale", stale.NextRevision)));
        var failing = Sqlite.RunOnWriterAsync(c =>
        {
            Scalar(c, "INSERT INTO namespaces (name, epoch, revision, key_count, total_bytes) VALUES ('poison', 1, 0, 0, 0);");
            return Scalar(c, "SELECT * FROM no_such_table;");
        });
        var committed2 = last.TryCommit(EntryMutation.Put(Entry("k", "last", last.NextRevision)));
        blocked.Release();

        Assert.Equal(CommitStatus.Committed, await committed1);
        Assert.Equal(CommitStatus.Fenced, await fenced);
        await Assert.ThrowsAsync<NamespaceStoreException>(() => failing);
        Assert.Equal(CommitStatus.Committed, await committed2);
        Assert.Equal(2, Sqlite.TransactionCount - before);
        Assert.Equal("first", Text(await Read(first.Ns, "k")));
        Assert.Null(await Read(stale.Ns, "k"));
        Assert.Equal("last", Text(await Read(last.Ns, "k")));
        Assert.Equal(1, (await Claim("poison")).Epoch);
    }

    [Fact]
    public async Task WhenSqliteAbortsTheGroupTransactionTheOtherWritesAreRetried()
    {
        var first = await Open();
        var last = await Open();
        await using var blocked = await WriterBlock.StartAsync(Sqlite);
        var before = Sqlite.TransactionCount;

        var committed1 = first.TryCommit(EntryMutation.Put(Entry("k", "first", first.NextRevision)));
        // What SQLite does on some I/O errors: the whole transaction is rolled back, not just the statement.
        var aborting = Sqlite.RunOnWriterAsync<object?>(c =>
        {
            Scalar(c, "ROLLBACK;");
            throw new SqliteException("simulated I/O error", 10);
        });
        var committed2 = last.TryCommit(EntryMutation.Put(Entry("k", "last", last.NextRevision)));
        blocked.Release();

        Assert.Equal(CommitStatus.Committed, await committed1);
        Assert.Equal(CommitStatus.Committed, await committed2);
        var error = await Assert.ThrowsAsync<NamespaceStoreException>(() => aborting);
        Assert.Contains("I/O error", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, Sqlite.TransactionCount - before);
        Assert.Equal("first", Text(await Read(first.Ns, "k")));
        Assert.Equal("last", Text(await Read(last.Ns, "k")));
        Assert.Equal(1, (await Claim(first.Ns)).Revision);
    }

    [Fact]
    public async Task FullDiskFailsTheAffectedCommitAndTheWriterKeepsRunning()
    {
        var session = await Open();
        await session.Put("small", "v");
        await Sqlite.RunOnWriterAsync(c => Scalar(c, "PRAGMA max_page_count = " + Scalar(c, "PRAGMA page_count;") + ";"));

        // Random text: it does not compress away below the page limit.
        var big = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(768 * 1024));
        var error = await Assert.ThrowsAsync<NamespaceStoreException>(() => session.Put("big", big));

        Assert.Contains("full", error.Message, StringComparison.Ordinal);
        Assert.Null(await Read(session.Ns, "big"));
        await Sqlite.RunOnWriterAsync(c => Scalar(c, "PRAGMA max_page_count = 1073741823;"));
        await session.Put("big", big);
        var snapshot = await Claim(session.Ns);
        Assert.Equal(2, snapshot.Revision);
        Assert.Equal(2, snapshot.KeyCount);
        Assert.Equal("smallv".Length + "big".Length + (1024 * 1024), snapshot.TotalBytes);
    }

    [Fact]
    public async Task CommitCancelledBeforeTheWriterTakesItIsNotApplied()
    {
        var session = await Open();
        using var cancellation = new CancellationTokenSource();
        await using var blocked = await WriterBlock.StartAsync(Sqlite);

        var batch = new CommitBatch(session.Epoch, 0, 1, [EntryMutation.Put(Entry("k", "v", 1))]);
        var commit = Store.CommitAsync(session.Ns, batch, cancellation.Token).AsTask();
        await cancellation.CancelAsync();
        blocked.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => commit);
        Assert.Null(await Read(session.Ns, "k"));
        Assert.Equal(0, (await Claim(session.Ns)).Revision);
    }

    [Fact]
    public async Task DisposalCommitsWhatIsQueuedAndThenRefusesWrites()
    {
        var session = await Open();
        var blocked = await WriterBlock.StartAsync(Sqlite);
        var queued = session.TryCommit(EntryMutation.Put(Entry("k", "queued", session.NextRevision)));

        var disposal = Sqlite.DisposeAsync().AsTask();
        blocked.Release();
        await disposal.WaitAsync(CallTimeout);

        Assert.Equal(CommitStatus.Committed, await queued);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.ClaimAsync(session.Ns, default).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.ReadAsync(session.Ns, "k", default).AsTask());
        Assert.False(await Store.PingAsync(default));
        await using var reopened = OpenStore();
        Assert.Equal("queued", Text(await reopened.ReadAsync(session.Ns, "k", default)));
    }

    [Fact]
    public async Task ReadsBeyondThePoolSizeDoNotWait()
    {
        await Sqlite.DisposeAsync();
        await using var store = OpenStore(readerPoolSize: 1);
        var ns = NewNamespace();
        var epoch = (await store.ClaimAsync(ns, default)).Epoch;
        await store.CommitAsync(ns, new CommitBatch(epoch, 0, 1, [EntryMutation.Put(Entry("k", "v", 1))]), default);

        var found = 0;
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ =>
        {
            var read = store.ReadAsync(ns, "k", default);
            Assert.True(read.IsCompleted, "reads complete synchronously");
            if (read.Result is not null)
            {
                Interlocked.Increment(ref found);
            }
        });

        Assert.Equal(64, found);
    }

    [Fact]
    public async Task OverwritesAndDeletesLeaveNoOrphanObjects()
    {
        var session = await Open();
        await session.Put("small", "v");
        await session.Put("large", new string('L', 100_000));
        await session.Put("large", "now small");
        await session.Put("small", new string('S', 100_000));
        Assert.Equal(2L, await CountValueRows());

        await session.Commit(EntryMutation.Delete("small"), EntryMutation.Delete("large"), EntryMutation.Delete("missing"));
        Assert.Equal(0L, await CountValueRows());

        Task<object?> CountValueRows() => Sqlite.RunOnWriterAsync(c => Scalar(c, "SELECT count(*) FROM objects;"));
    }

    [Fact]
    public async Task KeyOrNamespaceThatIsNotValidUtf16IsRejected()
    {
        var session = await Open();

        await Assert.ThrowsAsync<ArgumentException>(() => session.Put("bad\uD800", "v"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReadAsync(session.Ns, "bad\uD800", default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ClaimAsync(session.Ns + "\uDC00", default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListPageAsync(session.Ns + "\uDC00", "", null, 10, 0, default).AsTask());
    }

    private static SqliteConnection OpenProbe(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Holds the writer thread inside a group until released, so requests queue up behind it.</summary>
    private sealed class WriterBlock : IAsyncDisposable
    {
        private readonly ManualResetEventSlim _gate = new();
        private Task _action = Task.CompletedTask;

        public static async Task<WriterBlock> StartAsync(SqliteNamespaceStore store)
        {
            var block = new WriterBlock();
            var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            block._action = store.RunOnWriterAsync(_ =>
            {
                entered.SetResult();
                return block._gate.Wait(CallTimeout);
            });
            await entered.Task.WaitAsync(CallTimeout);
            return block;
        }

        public void Release() => _gate.Set();

        public async ValueTask DisposeAsync()
        {
            Release();
            await _action.WaitAsync(CallTimeout);
            _gate.Dispose();
        }
    }
}
