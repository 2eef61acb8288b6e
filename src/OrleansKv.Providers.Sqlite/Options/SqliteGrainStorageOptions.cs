using Orleans;
using Orleans.Storage;

namespace OrleansKv.Providers.Sqlite;

/// <summary>Settings of one named SQLite grain storage provider: one database file, in WAL mode.</summary>
public sealed class SqliteGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>
    /// The database file (relative paths resolve against the working directory). Its directory is created when
    /// missing. Providers may share a file: rows are keyed by grain id and state name.
    /// </summary>
    public string DatabasePath { get; set; } = Path.Combine("data", "orleans-grain-state.db");

    /// <summary><see cref="SqliteSynchronousMode.Full"/> (default) fsyncs every commit; <see cref="SqliteSynchronousMode.Normal"/> only at checkpoints.</summary>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    /// <summary>How long a statement waits for another connection's write lock before it fails.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether clearing a state deletes its row. By default (false) the row is kept without a payload and with a
    /// new ETag, so a stale activation cannot recreate a state that another one cleared.
    /// </summary>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>The silo lifecycle stage at which the database is opened; grains cannot load state before it.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <summary>
    /// Serialises grain state. When not set, the serializer registered under the provider's name is used, or else
    /// the silo's default <see cref="IGrainStorageSerializer"/>.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;
}
