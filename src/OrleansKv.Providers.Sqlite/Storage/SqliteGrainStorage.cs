using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace OrleansKv.Providers.Sqlite;

/// <summary>
/// Orleans grain storage in one SQLite file, for a single silo without a server. A row holds one state of one
/// grain: its ETag (random, new on every write and clear) and the payload from the provider's
/// <see cref="IGrainStorageSerializer"/>. Every write and clear is one conditional statement on the ETag the
/// activation last saw, and a mismatch raises <see cref="InconsistentStateException"/>.
/// </summary>
public sealed partial class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS orleans_grain_state (
            grain_id TEXT NOT NULL,
            state_name TEXT NOT NULL,
            etag TEXT NOT NULL,
            payload BLOB NULL,
            PRIMARY KEY (grain_id, state_name)
        );
        """;

    private const string KeyFilter = "grain_id = $grain_id AND state_name = $state_name";

    private readonly string _name;
    private readonly SqliteGrainStorageOptions _options;
    private readonly SqliteDatabase _database;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activatorProvider;
    private readonly ILogger<SqliteGrainStorage> _logger;

    public SqliteGrainStorage(
        string name,
        SqliteGrainStorageOptions options,
        IGrainStorageSerializer defaultSerializer,
        IActivatorProvider activatorProvider,
        ILogger<SqliteGrainStorage> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _name = name;
        _options = options;
        _database = new SqliteDatabase(options.DatabasePath, options.Synchronous, options.BusyTimeout);
        _serializer = options.GrainStorageSerializer ?? defaultSerializer;
        _activatorProvider = activatorProvider;
        _logger = logger;
    }

    /// <summary>Creates the provider registered under <paramref name="name"/>, with that name's options.</summary>
    public static SqliteGrainStorage Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get(name);
        return ActivatorUtilities.CreateInstance<SqliteGrainStorage>(services, name, options);
    }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{nameof(SqliteGrainStorage)}-{_name}", _options.InitStage, StartAsync, StopAsync);

    /// <summary>Opens the database (creating its directory, the file and the table); the silo lifecycle calls it.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _database.InitializeAsync(Schema, cancellationToken);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            LogFailed(ex, _name, "open", _database.FullPath);
            throw new SqliteProviderException($"Could not open grain storage '{_name}' at '{_database.FullPath}'.", ex);
        }

        LogOpened(_name, _database.FullPath, _options.Synchronous);
    }

    /// <summary>Finishes the queued writes and closes the file; the silo lifecycle calls it.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _database.DisposeAsync().AsTask();

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        (string ETag, byte[]? Payload)? row;
        try
        {
            row = await ReadRowAsync(stateName, grainId, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw Failure(ex, "read", stateName, grainId);
        }

        if (row is not { } found)
        {
            grainState.ETag = null;
            grainState.State = CreateInstance<T>();
            grainState.RecordExists = false;
        }
        else if (found.Payload is null)
        {
            // Cleared: no state, but the ETag of the clear still guards the next write.
            grainState.ETag = found.ETag;
            grainState.State = CreateInstance<T>();
            grainState.RecordExists = false;
        }
        else
        {
            grainState.ETag = found.ETag;
            grainState.State = _serializer.Deserialize<T>(found.Payload) ?? CreateInstance<T>();
            grainState.RecordExists = true;
        }
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var payload = _serializer.Serialize(grainState.State).ToArray();
        var expected = grainState.ETag;
        var etag = NewETag();
        var sql = expected is null
            ? "INSERT INTO orleans_grain_state (grain_id, state_name, etag, payload) VALUES ($grain_id, $state_name, $etag, $payload) ON CONFLICT (grain_id, state_name) DO NOTHING"
            : $"UPDATE orleans_grain_state SET etag = $etag, payload = $payload WHERE {KeyFilter} AND etag = $expected";

        await ExecuteConditionalAsync("write", sql, stateName, grainId, expected, etag, payload, cancellationToken);
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var expected = grainState.ETag;
        string? etag;
        if (_options.DeleteStateOnClear)
        {
            etag = null;
            if (expected is null)
            {
                // Nothing written yet is the only state a clear without an ETag may remove.
                await ThrowIfStoredAsync(stateName, grainId, cancellationToken);
            }
            else
            {
                await ExecuteConditionalAsync("clear", $"DELETE FROM orleans_grain_state WHERE {KeyFilter} AND etag = $expected", stateName, grainId, expected, null, null, cancellationToken);
            }
        }
        else
        {
            etag = NewETag();
            var sql = expected is null
                ? "INSERT INTO orleans_grain_state (grain_id, state_name, etag, payload) VALUES ($grain_id, $state_name, $etag, NULL) ON CONFLICT (grain_id, state_name) DO NOTHING"
                : $"UPDATE orleans_grain_state SET etag = $etag, payload = NULL WHERE {KeyFilter} AND etag = $expected";
            await ExecuteConditionalAsync("clear", sql, stateName, grainId, expected, etag, null, cancellationToken);
        }

        grainState.ETag = etag;
        grainState.State = CreateInstance<T>();
        grainState.RecordExists = false;
    }

    /// <summary>Finishes the queued writes and closes the file (as <see cref="StopAsync"/> does).</summary>
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    /// <summary>A random ETag (128 bits): never a counter, which would restart after a delete.</summary>
    private static string NewETag() => Guid.NewGuid().ToString("N");

    private static void BindKey(SqliteCommand command, string stateName, GrainId grainId)
    {
        command.Parameters.AddWithValue("$grain_id", grainId.ToString());
        command.Parameters.AddWithValue("$state_name", stateName);
    }

    private async Task<(string ETag, byte[]? Payload)?> ReadRowAsync(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT etag, payload FROM orleans_grain_state WHERE {KeyFilter}";
        BindKey(command, stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1));
    }

    /// <summary>Runs one statement that changes the row only when its ETag is <paramref name="expected"/>; no change is a conflict.</summary>
    private async Task ExecuteConditionalAsync(
        string operation, string sql, string stateName, GrainId grainId, string? expected, string? etag, byte[]? payload, CancellationToken cancellationToken)
    {
        int changed;
        try
        {
            await using var connection = await _database.OpenReaderAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            BindKey(command, stateName, grainId);
            if (expected is not null)
            {
                command.Parameters.AddWithValue("$expected", expected);
            }

            if (etag is not null)
            {
                command.Parameters.AddWithValue("$etag", etag);
            }

            if (payload is not null)
            {
                command.Parameters.AddWithValue("$payload", payload);
            }

            changed = await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw Failure(ex, operation, stateName, grainId);
        }

        if (changed == 0)
        {
            throw await ConflictAsync(operation, stateName, grainId, expected, cancellationToken);
        }
    }

    private async Task ThrowIfStoredAsync(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        bool stored;
        try
        {
            stored = await ReadRowAsync(stateName, grainId, cancellationToken) is not null;
        }
        catch (SqliteException ex)
        {
            throw Failure(ex, "clear", stateName, grainId);
        }

        if (stored)
        {
            throw await ConflictAsync("clear", stateName, grainId, null, cancellationToken);
        }
    }

    /// <summary>Builds the conflict exception with the ETag now stored (one more read, on the failure path only).</summary>
    private async Task<InconsistentStateException> ConflictAsync(string operation, string stateName, GrainId grainId, string? expected, CancellationToken cancellationToken)
    {
        string? stored;
        try
        {
            stored = (await ReadRowAsync(stateName, grainId, cancellationToken))?.ETag;
        }
        catch (SqliteException)
        {
            stored = "(unknown)";
        }

        LogConflict(_name, operation, stateName, grainId, expected, stored);
        return new InconsistentStateException(
            $"ETag mismatch on {operation}: provider {_name}, state {stateName}, grain {grainId}, expected ETag {expected ?? "(none)"}, stored ETag {stored ?? "(none)"}.",
            stored,
            expected);
    }

    private SqliteProviderException Failure(SqliteException ex, string operation, string stateName, GrainId grainId)
    {
        LogFailed(ex, _name, operation, _database.FullPath);
        return new SqliteProviderException(
            $"Could not {operation} state {stateName} of grain {grainId} in grain storage '{_name}' at '{_database.FullPath}': {ex.Message}", ex);
    }

    private T CreateInstance<T>() => _activatorProvider.GetActivator<T>().Create();

    [LoggerMessage(EventId = (int)SqliteProviderLogEvent.GrainStorageOpened, Level = LogLevel.Information,
        Message = "SQLite grain storage {ProviderName} opened at {DatabasePath} (WAL, synchronous={Synchronous})")]
    private partial void LogOpened(string providerName, string databasePath, SqliteSynchronousMode synchronous);

    [LoggerMessage(EventId = (int)SqliteProviderLogEvent.GrainStorageFailed, Level = LogLevel.Error,
        Message = "SQLite grain storage {ProviderName}: {Operation} failed on {DatabasePath}")]
    private partial void LogFailed(Exception exception, string providerName, string operation, string databasePath);

    [LoggerMessage(EventId = (int)SqliteProviderLogEvent.GrainStateConflict, Level = LogLevel.Debug,
        Message = "SQLite grain storage {ProviderName}: {Operation} of state {StateName} of {GrainId} expected ETag {Expected}, stored is {Stored}")]
    private partial void LogConflict(string providerName, string operation, string stateName, GrainId grainId, string? expected, string? stored);
}
