namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>Settings of the embedded namespace store: one SQLite database per silo, in WAL mode.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The directory that holds the database (created when missing). Configured by <c>DATA_DIR</c>.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>The database file name inside <see cref="DataDirectory"/>.</summary>
    public string FileName { get; set; } = "orleans-kv.db";

    /// <summary>
    /// <see cref="SqliteDurability.Full"/> (default) fsyncs every group commit; <see cref="SqliteDurability.Relaxed"/>
    /// survives a process crash but not a power loss. Configured by <c>DURABILITY</c>.
    /// </summary>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Full;

    /// <summary>
    /// How many idle reader connections the store keeps open (WAL lets them read while the writer commits).
    /// A burst of more concurrent reads opens extra connections that are closed afterwards.
    /// </summary>
    public int ReaderPoolSize { get; set; } = Math.Clamp(Environment.ProcessorCount, 4, 32);

    /// <summary>How contents are compressed (<c>COMPRESSION_LEVEL</c>, <c>COMPRESSION_MIN_BYTES</c>).</summary>
    public CompressionOptions Compression { get; set; } = new();

    /// <summary>The largest accepted <see cref="ReaderPoolSize"/>.</summary>
    internal const int MaxReaderPoolSize = 256;

    /// <summary>The full path of the database file.</summary>
    internal string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, FileName));
}
