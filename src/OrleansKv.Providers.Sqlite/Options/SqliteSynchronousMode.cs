namespace OrleansKv.Providers.Sqlite;

/// <summary>The <c>PRAGMA synchronous</c> level a provider's connections use (the database is always in WAL mode).</summary>
public enum SqliteSynchronousMode
{
    /// <summary>
    /// <c>synchronous=FULL</c>: the write-ahead log is fsynced at every commit, so a power loss loses no write that
    /// was acknowledged. The default.
    /// </summary>
    Full,

    /// <summary>
    /// <c>synchronous=NORMAL</c>: the log is fsynced only at checkpoints. A process crash loses nothing; a power
    /// loss or kernel panic may lose the last commits.
    /// </summary>
    Normal,
}
