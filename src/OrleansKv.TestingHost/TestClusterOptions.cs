namespace OrleansKv.TestingHost;

/// <summary>How a <see cref="TestCluster"/> is set up.</summary>
public sealed class TestClusterOptions
{
    /// <summary>Silos started by <see cref="TestCluster.StartAsync(int, Action{TestClusterOptions}?)"/>.</summary>
    public int InitialSilos { get; set; } = 3;

    /// <summary>A Redis to use instead of starting one (a connection string).</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>Start the cluster's redis-server with an fsynced append-only file, so a Redis restart loses nothing.</summary>
    public bool PersistentRedis { get; set; }

    /// <summary>The bootstrap token every silo accepts (its namespace is derived from it).</summary>
    public string Token { get; set; } = "test-cluster-token-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Extra settings for every silo (the server's configuration keys, e.g. <c>LOG_LEVEL</c>).</summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>How long <see cref="TestCluster.WaitForActiveSilosAsync"/> waits by default.</summary>
    public TimeSpan SettleTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
