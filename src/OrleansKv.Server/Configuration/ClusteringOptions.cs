using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace OrleansKv.Server.Configuration;

/// <summary>
/// How the silo joins a cluster: Redis (unset runs one silo on the embedded store), the silo's identity and endpoint,
/// membership timings, and the lifetimes of grain directory entries and namespace ownership.
/// </summary>
public sealed class ClusteringOptions : IValidatableObject
{
    /// <summary>Redis connection string (one server, Redis Cluster seed nodes, or Sentinels with serviceName=...);
    /// unset runs one silo on the embedded store.</summary>
    [ConfigurationKeyName("REDIS_URL")]
    public string? RedisUrl { get; set; }

    /// <summary>Replicas that must confirm each commit (Redis WAIT) before it is acknowledged, in cluster mode; 0 (default)
    /// acknowledges on the primary's reply, so a failover can lose the last acknowledged writes.</summary>
    [ConfigurationKeyName("REDIS_WAIT_REPLICAS")]
    [SettingRange(0, 16, ErrorMessage = "REDIS_WAIT_REPLICAS must be between {1} and {2}, not {3}.")]
    public int RedisWaitReplicas { get; set; }

    /// <summary>Names the cluster (Orleans ClusterId and ServiceId); silos of one cluster share it.</summary>
    [ConfigurationKeyName("CLUSTER_ID")]
    public string ClusterId { get; set; } = "orleans-kv";

    /// <summary>Silo-to-silo port (Orleans' own TCP protocol). Cluster mode defaults to 11111; embedded mode, where
    /// nothing else connects to it, to a free loopback port chosen at start-up.</summary>
    [ConfigurationKeyName("SILO_PORT")]
    [SettingRange(1, 65535, ErrorMessage = "SILO_PORT must be between {1} and {2}, not {3}.")]
    public int? SiloPort { get; set; }

    /// <summary>The host other silos reach this one on (the pod IP in Kubernetes).</summary>
    [ConfigurationKeyName("ADVERTISED_HOST")]
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    /// <summary>How long a silo waits for a probe answer before counting it missed (Orleans ProbeTimeout), in ms.</summary>
    [ConfigurationKeyName("MEMBERSHIP_PROBE_TIMEOUT_MS")]
    [SettingRange(100, 60_000, ErrorMessage = "MEMBERSHIP_PROBE_TIMEOUT_MS must be between {1} and {2}, not {3}.")]
    public int ProbeTimeoutMs { get; set; } = 1000;

    /// <summary>The longest the adaptive probe timeout may grow to under load (Orleans MaxProbeTimeout), in ms; from
    /// MEMBERSHIP_PROBE_TIMEOUT_MS up to 600000.</summary>
    [ConfigurationKeyName("MEMBERSHIP_MAX_PROBE_TIMEOUT_MS")]
    public int MaxProbeTimeoutMs { get; set; } = 2000;

    /// <summary>Missed probes before a silo suspects another (Orleans NumMissedProbesLimit).</summary>
    [ConfigurationKeyName("MEMBERSHIP_MISSED_PROBES_LIMIT")]
    [SettingRange(1, 10, ErrorMessage = "MEMBERSHIP_MISSED_PROBES_LIMIT must be between {1} and {2}, not {3}.")]
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>How long a namespace activation answers from memory between two ownership checks in the store (cluster
    /// mode), in ms; a new activation that takes over from one that did not release waits this long once.</summary>
    [ConfigurationKeyName("OWNERSHIP_LEASE_MS")]
    [SettingRange(100, 60_000, ErrorMessage = "OWNERSHIP_LEASE_MS must be between {1} and {2}, not {3}.")]
    public int OwnershipLeaseMs { get; set; } = 1000;

    /// <summary>Lifetime of a grain directory entry in Redis (cluster mode), in minutes, so entries of dead silos do not
    /// stay forever; a namespace activation retires cleanly after half of it.</summary>
    [ConfigurationKeyName("DIRECTORY_ENTRY_EXPIRY_MINUTES")]
    [SettingRange(1, 525_600, ErrorMessage = "DIRECTORY_ENTRY_EXPIRY_MINUTES must be between {1} and {2}, not {3}.")]
    public int DirectoryEntryExpiryMinutes { get; set; } = 24 * 60;

    /// <summary>True when the server runs as a cluster silo over Redis.</summary>
    public bool IsClustered => !string.IsNullOrWhiteSpace(RedisUrl);

    /// <summary><see cref="RedisUrl"/> as a StackExchange.Redis configuration string (validated at start-up).</summary>
    public string RedisConnectionString => Configuration.RedisUrl.TryNormalize(RedisUrl, out var configuration, out var problem)
        ? configuration
        : throw new Hosting.InvalidConfigurationException(problem!);

    /// <summary>The rules across settings: the probe timeout bounds, WAIT replicas only with Redis, a usable REDIS_URL.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxProbeTimeoutMs < ProbeTimeoutMs || MaxProbeTimeoutMs > 600_000)
        {
            yield return new ValidationResult($"MEMBERSHIP_MAX_PROBE_TIMEOUT_MS must be between {ProbeTimeoutMs} and 600000, not {MaxProbeTimeoutMs}.");
        }

        if (RedisWaitReplicas > 0 && !IsClustered)
        {
            yield return new ValidationResult("REDIS_WAIT_REPLICAS applies to cluster mode only; set REDIS_URL, or leave it at 0.");
        }

        if (IsClustered && !Configuration.RedisUrl.TryNormalize(RedisUrl, out _, out var problem))
        {
            yield return new ValidationResult(problem);
        }
    }
}
