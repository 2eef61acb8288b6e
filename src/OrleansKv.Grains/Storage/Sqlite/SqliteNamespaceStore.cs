using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>
/// The embedded namespace store: one SQLite database per silo in WAL mode (DESIGN.md, "Storage layouts").
/// </summary>
/// <remarks>
/// <para>Writes (<see cref="ClaimAsync"/>, <see cref="CommitAsync"/>) go to a single writer thread that
/// group-commits everything queued across all namespaces in one transaction, so one fsync acknowledges many
/// callers; callers await without blocking a thread.</para>
/// <para>Reads run synchronously on the caller's thread over a small pool of reader connections (they take
/// microseconds) and return completed tasks; a read started after a commit completed sees that commit.</para>
/// </remarks>
public sealed partial class SqliteNamespaceStore : INamespaceStore, IAsyncDisposable, IDisposable
{
    private readonly ILogger<SqliteNamespaceStore> _logger;
    private readonly SqliteWriter _writer;
    private readonly SqliteReaderPool _readers;
    private int _disposed;

    /// <summary>
    /// Opens (creating when missing) the database under <see cref="SqliteStoreOptions.DataDirectory"/> and
    /// starts the writer thread.
    /// </summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    /// <exception cref="NamespaceStoreException">The database cannot be created or opened.</exception>
    public SqliteNamespaceStore(SqliteStoreOptions options, ILogger<SqliteNamespaceStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var validation = new SqliteStoreOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SqliteStoreOptions), validation.Failures);
        }

        _logger = logger;
        DatabasePath = options.DatabasePath;
        Durability = options.Durability;

        SqliteWriteCommands? commands = null;
        SqliteConnection? connection = null;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
            connection = SqliteConnections.OpenWriter(DatabasePath, Durability);
            var schemaVersion = SqliteSchema.EnsureCreated(connection, DatabasePath);
            commands = new SqliteWriteCommands(connection, new ValueCompression(options.Compression));
            _readers = new SqliteReaderPool(DatabasePath, options.ReaderPoolSize);
            _readers.Return(_readers.Rent(), healthy: true);
            _writer = new SqliteWriter(commands, logger);
            LogStoreOpened(DatabasePath, Durability, Durability == SqliteDurability.Full ? "FULL" : "NORMAL", schemaVersion, options.ReaderPoolSize, options.Compression.Level, options.Compression.MinBytes);
        }
        catch (Exception ex)
        {
            _readers?.Dispose();
            commands?.Dispose();
            connection?.Dispose();
            throw SqliteErrors.Wrap(ex, $"open the database '{DatabasePath}'");
        }
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The durability the writer connection runs with.</summary>
    public SqliteDurability Durability { get; }

    /// <summary>Write transactions committed so far (one fsync each under <see cref="SqliteDurability.Full"/>).</summary>
    internal long TransactionCount => _writer.TransactionCount;

    /// <inheritdoc />
    public ValueTask<NamespaceSnapshot> ClaimAsync(string ns, CancellationToken cancellationToken)
    {
        Utf8Keys.ValidateNamespace(ns, nameof(ns));
        return new ValueTask<NamespaceSnapshot>(Enqueue(new ClaimRequest(ns, cancellationToken)));
    }

    /// <inheritdoc />
    public ValueTask<bool> IsCurrentEpochAsync(string ns, long epoch, CancellationToken cancellationToken)
    {
        Utf8Keys.ValidateNamespace(ns, nameof(ns));
        return RunRead(ns, epoch, static (reader, ns, epoch) => reader.Epoch(ns) == epoch, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask ReleaseAsync(string ns, long epoch, CancellationToken cancellationToken)
    {
        Utf8Keys.ValidateNamespace(ns, nameof(ns));
        return new ValueTask(Enqueue(new ReleaseRequest(ns, epoch, cancellationToken)));
    }

    /// <inheritdoc />
    /// <remarks>Cancellation is honoured until the writer takes the batch; from then on it is applied or fenced.</remarks>
    public ValueTask<CommitResult> CommitAsync(string ns, CommitBatch batch, CancellationToken cancellationToken)
    {
        Utf8Keys.ValidateNamespace(ns, nameof(ns));
        CommitBatches.Validate(batch);
        var mutations = batch.Mutations;
        var keys = new byte[mutations.Count][];
        long payload = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            var mutation = mutations[i];
            if (mutation.Kind == MutationKind.Put)
            {
                payload += mutation.Entry!.Value.LongLength;
            }

            keys[i] = Utf8Keys.Encode(mutation.Key, nameof(batch));
            payload += keys[i].LongLength;
        }

        return new ValueTask<CommitResult>(Enqueue(new CommitRequest(ns, batch, keys, payload, cancellationToken)));
    }

    /// <inheritdoc />
    public ValueTask<StoredEntry?> ReadAsync(string ns, string key, CancellationToken cancellationToken)
    {
        Utf8Keys.ValidateNamespace(ns, nameof(ns));
        var keyBytes = Utf8Keys.Encode(key, nameof(key));
        return RunRead(ns, (key, keyBytes), static (reader, ns, arg) => reader.Read(ns, arg.key, arg.keyBytes), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<EntrySummary>> ListPageAsync(
        string ns, string prefix, string? startAfter, int limit, long nowUnixMs, CancellationToken cancellationToken)
    {
        Utf8Keys.ValidateNamespace(ns, nameof(ns));
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var (lower, upper) = Utf8Keys.ListRange(prefix, startAfter);
        return RunRead<(byte[], byte[], int, long), IReadOnlyList<EntrySummary>>(
            ns,
            (lower, upper, limit, nowUnixMs),
            static (reader, ns, arg) => reader.ListPage(ns, arg.Item1, arg.Item2, arg.Item3, arg.Item4),
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ExpiredEntry>> ReadExpiredAsync(string ns, long nowUnixMs, int limit, CancellationToken cancellationToken)
    {
        Utf8Keys.ValidateNamespace(ns, nameof(ns));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return RunRead<(long, int), IReadOnlyList<ExpiredEntry>>(
            ns, (nowUnixMs, limit), static (reader, ns, arg) => reader.ReadExpired(ns, arg.Item1, arg.Item2), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<long?> NextExpiryAsync(string ns, CancellationToken cancellationToken)
    {
        Utf8Keys.ValidateNamespace(ns, nameof(ns));
        return RunRead(ns, 0, static (reader, ns, _) => reader.NextExpiry(ns), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>True when the writer can begin and commit a transaction; false on any failure or after disposal.</remarks>
    public async ValueTask<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Enqueue(new PingRequest(cancellationToken)).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NamespaceStoreException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Runs <paramref name="action"/> on the writer connection inside a group (tests and diagnostics).</summary>
    internal Task<T> RunOnWriterAsync<T>(Func<SqliteConnection, T> action, CancellationToken cancellationToken = default) =>
        Enqueue(new WriterActionRequest<T>(action, cancellationToken));

    /// <summary>Stops accepting writes, commits what is queued, checkpoints the WAL and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _readers.Dispose();
        await _writer.StopAsync();
        LogStoreClosed(DatabasePath);
    }

    /// <summary>As <see cref="DisposeAsync"/>, blocking the calling thread until the writer has finished.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _readers.Dispose();
        _writer.StopAsync().GetAwaiter().GetResult();
        LogStoreClosed(DatabasePath);
    }

    private Task<T> Enqueue<T>(SqliteWriteRequest<T> request)
    {
        if (request.CancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(request.CancellationToken);
        }

        if (!_writer.TryEnqueue(request))
        {
            return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteNamespaceStore)));
        }

        return request.Task;
    }

    private ValueTask<T> RunRead<TArg, T>(
        string ns, TArg arg, Func<SqliteReader, string, TArg, T> read, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        SqliteReader? reader = null;
        var healthy = true;
        try
        {
            reader = _readers.Rent();
            return new ValueTask<T>(read(reader, ns, arg));
        }
        catch (SqliteException ex)
        {
            healthy = false;
            LogReadFailed(ex, ns);
            return ValueTask.FromException<T>(SqliteErrors.Wrap(ex, $"read from namespace '{ns}'"));
        }
        catch (Exception ex)
        {
            healthy = false;
            return ValueTask.FromException<T>(ex);
        }
        finally
        {
            if (reader is not null)
            {
                _readers.Return(reader, healthy);
            }
        }
    }

    [LoggerMessage(EventId = (int)SqliteStoreLogEvent.StoreOpened, Level = LogLevel.Information,
        Message = "Embedded store opened at {DatabasePath}: durability {Durability} (synchronous={Synchronous}, WAL), schema version {SchemaVersion}, up to {ReaderPoolSize} idle readers, zstd level {CompressionLevel} from {CompressionMinBytes} bytes, contents deduplicated per namespace")]
    private partial void LogStoreOpened(string databasePath, SqliteDurability durability, string synchronous, int schemaVersion, int readerPoolSize, int compressionLevel, int compressionMinBytes);

    [LoggerMessage(EventId = (int)SqliteStoreLogEvent.StoreClosed, Level = LogLevel.Information,
        Message = "Embedded store at {DatabasePath} closed")]
    private partial void LogStoreClosed(string databasePath);

    [LoggerMessage(EventId = (int)SqliteStoreLogEvent.ReadFailed, Level = LogLevel.Warning,
        Message = "Embedded store read from namespace {Namespace} failed")]
    private partial void LogReadFailed(Exception exception, string @namespace);
}
