using StackExchange.Redis;

namespace OrleansKv.Grains.Storage.Redis;

/// <summary>
/// Settings of the Redis namespace store. Give either <see cref="ConfigurationString"/> (the store connects and
/// owns the connection) or <see cref="CreateMultiplexer"/> (the caller supplies it; <see cref="IsShared"/> says
/// who disposes it).
/// </summary>
public sealed class RedisStoreOptions
{
    /// <summary>How contents are compressed (<c>COMPRESSION_LEVEL</c>, <c>COMPRESSION_MIN_BYTES</c>).</summary>
    public CompressionOptions Compression { get; set; } = new();

    /// <summary>The key prefix used when none is configured.</summary>
    public const string DefaultKeyPrefix = "okv:";

    /// <summary>
    /// A StackExchange.Redis configuration string (<c>host:port[,option=value...]</c>). The store connects on first
    /// use and disposes the connection with itself; <c>abortConnect</c> is always treated as false, so a Redis that
    /// is down at start-up is retried in the background instead of failing the silo.
    /// </summary>
    public string? ConfigurationString { get; set; }

    /// <summary>
    /// Supplies an existing connection instead of <see cref="ConfigurationString"/>, e.g. the one multiplexer a silo
    /// shares between this store and its Redis cluster providers. Called on first use (and again only after it threw).
    /// </summary>
    public Func<IConnectionMultiplexer>? CreateMultiplexer { get; set; }

    /// <summary>
    /// True when the multiplexer from <see cref="CreateMultiplexer"/> is shared with other components: the store
    /// then never closes it. False (default): the store owns it and closes it when disposed.
    /// </summary>
    public bool IsShared { get; set; }

    /// <summary>
    /// Prepended to every Redis key the store writes (default <c>okv:</c>). It must not contain <c>{</c>, because the
    /// first <c>{...}</c> of a key is its Redis Cluster hash tag and must be the namespace's.
    /// </summary>
    public string KeyPrefix { get; set; } = DefaultKeyPrefix;

    /// <summary>The Redis database number; <c>null</c> (default) uses the connection's default (0 unless configured).
    /// Redis Cluster has only database 0.</summary>
    public int? Database { get; set; }

    /// <summary>
    /// How long after an entry's expiry (or after its write, when it was written already expired) Redis removes the
    /// entry by itself (PEXPIREAT). A backstop only: the grain's sweep normally deletes expired keys first and keeps
    /// the namespace's key and byte counts exact. Zero lets Redis drop an entry the moment it expires.
    /// </summary>
    public TimeSpan TtlBackstopGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long one store operation may wait for Redis before it fails with <see cref="NamespaceStoreException"/>.
    /// A commit that times out may still have been applied: its outcome is unknown.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many replicas must confirm a claim or commit (Redis <c>WAIT</c>, sent to the namespace's primary right after
    /// the script) before it is acknowledged; 0 (default) acknowledges on the primary's reply. Redis replicates
    /// asynchronously, so with 0 a primary that dies can take its last acknowledged commits with it when a replica is
    /// promoted; with 1 or more, an acknowledged commit is on that many replicas.
    /// </summary>
    public int WaitReplicas { get; set; }

    /// <summary>
    /// How long a claim or commit waits for <see cref="WaitReplicas"/> confirmations. When fewer confirm in time the
    /// operation fails with <see cref="NamespaceStoreException"/>: it was applied on the primary, so its outcome is
    /// unknown. The script and the wait together are bounded by <see cref="OperationTimeout"/>.
    /// </summary>
    public TimeSpan ReplicaWaitTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most replicas <see cref="WaitReplicas"/> may ask for.</summary>
    internal const int MaxWaitReplicas = 16;

    /// <summary>The longest accepted <see cref="OperationTimeout"/>.</summary>
    internal static readonly TimeSpan MaxOperationTimeout = TimeSpan.FromHours(1);
}
