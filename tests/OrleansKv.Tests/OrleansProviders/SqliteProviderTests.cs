using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansKv.Providers.Sqlite;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.OrleansProviders;

/// <summary>What the SQLite providers promise beyond the Orleans contracts: the file's journal and sync settings, the writer thread, failures.</summary>
public sealed class SqliteProviderTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(SqliteSynchronousMode.Full, 2)]
    [InlineData(SqliteSynchronousMode.Normal, 1)]
    public async Task TheFileIsInWalModeAndEveryConnectionUsesTheConfiguredSynchronousLevel(SqliteSynchronousMode mode, long pragmaValue)
    {
        var path = Path.Combine(_directory.Path, "nested", "twice", "db.sqlite");
        var database = new SqliteDatabase(path, mode, TimeSpan.FromSeconds(5));
        await database.InitializeAsync("CREATE TABLE t (x INTEGER);", CancellationToken.None);

        var writerLevel = await database.WriteAsync(connection => Scalar(connection, "PRAGMA synchronous"));
        await using (var reader = await database.OpenReaderAsync(CancellationToken.None))
        {
            Assert.Equal(pragmaValue, Scalar(reader, "PRAGMA synchronous"));
        }

        await database.DisposeAsync();

        Assert.Equal(pragmaValue, writerLevel);
        using var plain = new SqliteConnection($"Data Source={path};Pooling=False");
        plain.Open();
        Assert.Equal("wal", Scalar(plain, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task WritesRunOnOneWriterThreadThatIsNotTheCallers()
    {
        var database = new SqliteDatabase(Path.Combine(_directory.Path, "db.sqlite"), SqliteSynchronousMode.Full, TimeSpan.FromSeconds(5));
        await database.InitializeAsync("CREATE TABLE t (x INTEGER);", CancellationToken.None);

        var threads = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => database.WriteAsync(_ => Environment.CurrentManagedThreadId))));

        Assert.Single(threads.Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, threads[0]);
        await database.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => database.WriteAsync(_ => 0));
    }

    [Fact]
    public async Task ASqliteFailureSurfacesAsSqliteProviderExceptionNamingTheGrain()
    {
        var path = Path.Combine(_directory.Path, "grains.db");
        await using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var storage = new SqliteGrainStorage(
            "broken",
            new SqliteGrainStorageOptions { DatabasePath = path },
            new BinaryStateSerializer(),
            services.GetRequiredService<IActivatorProvider>(),
            NullLogger<SqliteGrainStorage>.Instance);
        await storage.StartAsync(CancellationToken.None);
        using (var side = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            side.Open();
            Scalar(side, "DROP TABLE orleans_grain_state");
        }

        var grain = GrainId.Create("broken-grain", "k1");
        var state = new GrainState<byte[]> { State = [1, 2, 3] };
        var write = await Assert.ThrowsAsync<SqliteProviderException>(() => storage.WriteStateAsync("s", grain, state));
        var read = await Assert.ThrowsAsync<SqliteProviderException>(() => storage.ReadStateAsync("s", grain, state));

        Assert.Contains(grain.ToString(), write.Message, StringComparison.Ordinal);
        Assert.Contains(grain.ToString(), read.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(write.InnerException);
        await storage.DisposeAsync();
    }

    [Fact]
    public async Task TheReminderTableCreatesItsDirectoryAndStopsCleanly()
    {
        var path = Path.Combine(_directory.Path, "a", "b", "reminders.db");
        var table = new SqliteReminderTable(Options.Create(new SqliteReminderTableOptions { DatabasePath = path }), NullLogger<SqliteReminderTable>.Instance);

        await table.StartAsync();
        var grain = GrainId.Create("g", "1");
        var etag = await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(1) });
        await table.StopAsync();

        Assert.True(File.Exists(path));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "late" }));
        var reopened = new SqliteReminderTable(Options.Create(new SqliteReminderTableOptions { DatabasePath = path }), NullLogger<SqliteReminderTable>.Instance);
        await reopened.StartAsync();
        Assert.Equal(etag, (await reopened.ReadRow(grain, "r"))?.ETag);
        await reopened.DisposeAsync();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Stores byte arrays as they are (enough for a failure test that never deserialises).</summary>
    private sealed class BinaryStateSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => new(input as byte[] ?? []);

        public T? Deserialize<T>(BinaryData input) => (T)(object)input.ToArray();
    }
}
