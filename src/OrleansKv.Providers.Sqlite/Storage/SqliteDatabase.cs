using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OrleansKv.Providers.Sqlite;

/// <summary>
/// One provider's database file. Writes (each one short statement, committed on its own) run one at a time on a
/// dedicated thread that owns the only writing connection, so an fsync or a wait for SQLite's lock never holds an
/// Orleans scheduler thread, and writers of this process never contend for that lock. Reads take a pooled
/// connection on the caller's thread: in WAL mode a reader sees the last commit and does not wait for the writer.
/// No lock of ours is held across an await.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly string _readerConnectionString;
    private readonly string _writerConnectionString;
    private readonly string _connectionPragmas;
    private readonly BlockingCollection<WriteRequest> _writes = [];
    private readonly TaskCompletionSource _writerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _startLock = new();
    private Thread? _writer;
    private SqliteConnection? _writerConnection;

    public SqliteDatabase(string databasePath, SqliteSynchronousMode synchronous, TimeSpan busyTimeout)
    {
        FullPath = Path.GetFullPath(databasePath);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = FullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        };
        _readerConnectionString = builder.ToString();
        builder.Pooling = false;
        _writerConnectionString = builder.ToString();
        var level = synchronous == SqliteSynchronousMode.Normal ? "NORMAL" : "FULL";
        var busyMs = ((long)busyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        _connectionPragmas = $"PRAGMA synchronous = {level}; PRAGMA busy_timeout = {busyMs};";
    }

    /// <summary>The absolute path of the database file.</summary>
    public string FullPath { get; }

    /// <summary>
    /// Creates the directory and the file, switches the file to WAL mode (a setting the file keeps) and applies
    /// <paramref name="schema"/>, on the writer thread, which starts here.
    /// </summary>
    public Task InitializeAsync(string schema, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(FullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        return WriteAsync(
            connection =>
            {
                var mode = Convert.ToString(Scalar(connection, "PRAGMA journal_mode = WAL;"), CultureInfo.InvariantCulture);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new SqliteProviderException($"SQLite refused WAL mode for '{FullPath}' (journal_mode is '{mode}').");
                }

                using var command = connection.CreateCommand();
                command.CommandText = schema;
                return command.ExecuteNonQuery();
            },
            cancellationToken);
    }

    /// <summary>Runs <paramref name="write"/> on the writer thread's connection; the result (or exception) completes the task.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, T> write, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsureWriterStarted();
        var request = new WriteRequest<T>(write);
        try
        {
            _writes.Add(request, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteDatabase), $"The database '{FullPath}' is closed."));
        }

        return request.Task;
    }

    /// <summary>Opens a pooled reading connection with the busy timeout applied.</summary>
    public async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_readerConnectionString);
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

    /// <summary>
    /// Lets the queued writes finish, closes the writer connection and the idle reading connections. A write
    /// asked for afterwards fails with <see cref="ObjectDisposedException"/>. Safe to call more than once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        bool started;
        lock (_startLock)
        {
            _writes.CompleteAdding();
            started = _writer is not null;
        }

        if (started)
        {
            await _writerStopped.Task;
        }

        using var connection = new SqliteConnection(_readerConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    private void EnsureWriterStarted()
    {
        lock (_startLock)
        {
            if (_writer is not null || _writes.IsAddingCompleted)
            {
                return;
            }

            _writer = new Thread(RunWriter) { IsBackground = true, Name = "sqlite-writer " + Path.GetFileName(FullPath) };
            _writer.Start();
        }
    }

    private void RunWriter()
    {
        try
        {
            foreach (var request in _writes.GetConsumingEnumerable())
            {
                request.Execute(this);
            }
        }
        finally
        {
            _writerConnection?.Dispose();
            _writerConnection = null;
            _writerStopped.TrySetResult();
        }
    }

    /// <summary>The writer thread's connection, opened on first use (so a failure to open fails that write).</summary>
    private SqliteConnection WriterConnection()
    {
        if (_writerConnection is not null)
        {
            return _writerConnection;
        }

        var connection = new SqliteConnection(_writerConnectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = _connectionPragmas;
            command.ExecuteNonQuery();
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return _writerConnection = connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private abstract class WriteRequest
    {
        public abstract void Execute(SqliteDatabase database);
    }

    private sealed class WriteRequest<T>(Func<SqliteConnection, T> write) : WriteRequest
    {
        // Continuations run on the awaiting side (a grain's scheduler), never inline on the writer thread.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _completion.Task;

        public override void Execute(SqliteDatabase database)
        {
            try
            {
                _completion.TrySetResult(write(database.WriterConnection()));
            }
            catch (Exception ex)
            {
                _completion.TrySetException(ex);
            }
        }
    }
}
