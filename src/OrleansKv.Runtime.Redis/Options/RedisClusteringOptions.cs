using StackExchange.Redis;

namespace OrleansKv.Runtime.Redis;

/// <summary>
/// Settings of the Redis providers of the runtime: membership table, grain directory and reminder table. They
/// share one connection. The cluster id comes from <see cref="SiloOptions.ClusterId"/>, so silos of different
/// clusters can share a Redis without seeing each other.
/// </summary>
public sealed class RedisClusteringOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string such as <c>redis:6379,password=…</c> (from <c>REDIS_URL</c>).
    /// <c>abortConnect=false</c> is always applied, so a Redis that is down at start-up or restarts later is
    /// reconnected to in the background. Set this or <see cref="CreateMultiplexer"/>, not both.
    /// </summary>
    public string? ConfigurationString { get; set; }

    /// <summary>
    /// Supplies the connection instead of <see cref="ConfigurationString"/>, for instance the one multiplexer the
    /// server shares between these providers and the Redis namespace store. Called once, on first use. Create it
    /// with <c>abortConnect=false</c>.
    /// </summary>
    public Func<IConnectionMultiplexer>? CreateMultiplexer { get; set; }

    /// <summary>
    /// Whether the multiplexer returned by <see cref="CreateMultiplexer"/> is owned elsewhere. A shared one is
    /// never disposed by these providers; otherwise they dispose it when the host stops.
    /// </summary>
    public bool IsShared { get; set; }

    /// <summary>Prepended to every key these providers write (default <c>okv:</c>); no braces or spaces.</summary>
    public string KeyPrefix { get; set; } = "okv:";

    /// <summary>The Redis database number; -1 (default) uses the connection's default database (0 in Redis Cluster).</summary>
    public int Database { get; set; } = -1;

    /// <summary>
    /// The longest a single provider call may wait for Redis before it fails with a <see cref="RedisProviderException"/>
    /// (StackExchange.Redis 1.x applies no timeout to asynchronous calls itself). The outcome of a call that timed
    /// out is unknown: every write is conditional, so callers read again and retry.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
