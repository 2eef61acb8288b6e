namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>How hard the embedded store pushes each group commit to stable storage (DESIGN.md guarantee 1).</summary>
public enum SqliteDurability
{
    /// <summary>
    /// <c>PRAGMA synchronous=FULL</c>: the write-ahead log is fsynced at every group commit, so a power
    /// loss loses nothing that was acknowledged. The default.
    /// </summary>
    Full,

    /// <summary>
    /// <c>PRAGMA synchronous=NORMAL</c>: the log is fsynced only at checkpoints. Survives a process crash,
    /// not a power loss or kernel panic (the last group commits may be lost).
    /// </summary>
    Relaxed,
}
