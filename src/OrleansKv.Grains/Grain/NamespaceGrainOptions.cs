namespace OrleansKv.Grains;

/// <summary>Limits and tuning of namespace grains. Bound from the <c>Namespaces</c> configuration section.</summary>
public sealed class NamespaceGrainOptions
{
    /// <summary>Largest value accepted, in bytes (MAX_VALUE_BYTES).</summary>
    public int MaxValueBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Default quota: most keys a namespace holds (NAMESPACE_MAX_KEYS); 0 = no limit.</summary>
    public long MaxKeys { get; set; }

    /// <summary>Default quota: most UTF-8 key bytes plus value bytes a namespace holds (NAMESPACE_MAX_BYTES); 0 = no limit.</summary>
    public long MaxBytes { get; set; }

    /// <summary>Most entries one activation keeps cached.</summary>
    public int CacheMaxEntries { get; set; } = 10_000;

    /// <summary>Most bytes one activation keeps cached.</summary>
    public long CacheMaxBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Values larger than this are read from the store each time instead of cached.</summary>
    public int CacheMaxValueBytes { get; set; } = 64 * 1024;

    /// <summary>Most write requests folded into one group commit.</summary>
    public int MaxUnitsPerCommit { get; set; } = 2048;

    /// <summary>Most value bytes in one group commit (a single larger write still commits alone).</summary>
    public long MaxCommitBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Staged-but-uncommitted bytes above which new writes wait (back-pressure).</summary>
    public long MaxPendingBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Keys read from the store per listing page.</summary>
    public int ListPageSize { get; set; } = 256;

    /// <summary>Expired keys removed per sweep.</summary>
    public int SweepBatchSize { get; set; } = 1000;

    /// <summary>Longest wait between two sweeps of an active namespace with TTL keys.</summary>
    public TimeSpan MaxSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Period of the durable reminder that wakes a namespace with TTL keys to sweep them while it is not active. Orleans
    /// reminders are periodic, with a one-minute minimum by default (<c>ReminderOptions.MinimumReminderPeriod</c>).
    /// </summary>
    public TimeSpan TtlReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an activation answers from memory after the store last confirmed it owns the namespace; a newer
    /// activation waits this long before it serves when the previous one did not release the namespace. Shorter than
    /// failure detection, so failover pays it at most once. Null when only one silo can ever hold a namespace
    /// (embedded mode): then nothing waits and nothing is checked.
    /// </summary>
    public TimeSpan? OwnershipLease { get; set; }

    /// <summary>
    /// When set, an activation retires cleanly (releasing its claim) after living this long, so it never outlives its
    /// grain directory entry when the directory expires entries (Redis <c>EntryExpiry</c>). Null: no limit.
    /// </summary>
    public TimeSpan? MaxActivationLifetime { get; set; }
}
