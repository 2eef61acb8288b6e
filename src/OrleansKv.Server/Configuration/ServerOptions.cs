using Microsoft.Extensions.Configuration;

namespace OrleansKv.Server.Configuration;

/// <summary>How the server stores data when it runs without Redis.</summary>
public enum DurabilityMode
{
    /// <summary>SQLite <c>synchronous=FULL</c>: an fsync per group commit; a power loss loses nothing acknowledged.</summary>
    Full,

    /// <summary>SQLite <c>synchronous=NORMAL</c>: survives a process crash, not a power loss.</summary>
    Relaxed,
}

/// <summary>
/// The server's settings. Each comes from the environment variable of the same name, or from the same key in
/// appsettings.json; the environment wins.
/// </summary>
public sealed class ServerOptions
{
    /// <summary>REST port.</summary>
    [ConfigurationKeyName("HTTP_PORT")]
    public int HttpPort { get; set; } = 3000;

    /// <summary>gRPC port (HTTP/2 cleartext).</summary>
    [ConfigurationKeyName("GRPC_PORT")]
    public int GrpcPort { get; set; } = 50051;

    /// <summary>Port of the plain text protocol (AUTH/SET/GET/DELETE lines); off unless set.</summary>
    [ConfigurationKeyName("TCP_PORT")]
    public int? TcpPort { get; set; }

    /// <summary>Port of the Redis protocol (RESP2 and RESP3); off unless set.</summary>
    [ConfigurationKeyName("RESP_PORT")]
    public int? RespPort { get; set; }

    [ConfigurationKeyName("ENABLE_HTTP")]
    public bool EnableHttp { get; set; } = true;

    [ConfigurationKeyName("ENABLE_GRPC")]
    public bool EnableGrpc { get; set; } = true;

    /// <summary>The address the public ports listen on; 0.0.0.0 in containers.</summary>
    [ConfigurationKeyName("BIND_ADDRESS")]
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Redis connection string (one server, Redis Cluster seed nodes, or Sentinels with serviceName=...);
    /// unset runs one silo on the embedded store.</summary>
    [ConfigurationKeyName("REDIS_URL")]
    public string? RedisUrl { get; set; }

    /// <summary>Replicas that must confirm each commit (Redis WAIT) before it is acknowledged, in cluster mode; 0 (default)
    /// acknowledges on the primary's reply, so a failover can lose the last acknowledged writes.</summary>
    [ConfigurationKeyName("REDIS_WAIT_REPLICAS")]
    public int RedisWaitReplicas { get; set; }

    /// <summary>Where the embedded store keeps its files.</summary>
    [ConfigurationKeyName("DATA_DIR")]
    public string DataDirectory { get; set; } = "./data";

    [ConfigurationKeyName("DURABILITY")]
    public DurabilityMode Durability { get; set; } = DurabilityMode.Full;

    /// <summary>Silo-to-silo port (Orleans' own TCP protocol). Cluster mode defaults to 11111; embedded mode, where
    /// nothing else connects to it, to a free loopback port chosen at start-up.</summary>
    [ConfigurationKeyName("SILO_PORT")]
    public int? SiloPort { get; set; }

    /// <summary>How long a silo waits for a probe answer before counting it missed (Orleans ProbeTimeout), in ms.</summary>
    [ConfigurationKeyName("MEMBERSHIP_PROBE_TIMEOUT_MS")]
    public int ProbeTimeoutMs { get; set; } = 1000;

    /// <summary>The longest the adaptive probe timeout may grow to under load (Orleans MaxProbeTimeout), in ms.</summary>
    [ConfigurationKeyName("MEMBERSHIP_MAX_PROBE_TIMEOUT_MS")]
    public int MaxProbeTimeoutMs { get; set; } = 2000;

    /// <summary>Missed probes before a silo suspects another (Orleans NumMissedProbesLimit).</summary>
    [ConfigurationKeyName("MEMBERSHIP_MISSED_PROBES_LIMIT")]
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>How long a namespace activation answers from memory between two ownership checks in the store (cluster
    /// mode), in ms; a new activation that takes over from one that did not release waits this long once.</summary>
    [ConfigurationKeyName("OWNERSHIP_LEASE_MS")]
    public int OwnershipLeaseMs { get; set; } = 1000;

    /// <summary>Period of the durable reminder that sweeps expired keys of namespaces that are not active, in seconds.
    /// Below 60 it also lowers Orleans' minimum reminder period (which then logs a warning).</summary>
    [ConfigurationKeyName("TTL_REMINDER_PERIOD_SECONDS")]
    public int TtlReminderPeriodSeconds { get; set; } = 60;

    /// <summary>Lifetime of a grain directory entry in Redis (cluster mode), in minutes, so entries of dead silos do not
    /// stay forever; a namespace activation retires cleanly after half of it.</summary>
    [ConfigurationKeyName("DIRECTORY_ENTRY_EXPIRY_MINUTES")]
    public int DirectoryEntryExpiryMinutes { get; set; } = 24 * 60;

    /// <summary>The host other silos reach this one on (the pod IP in Kubernetes).</summary>
    [ConfigurationKeyName("ADVERTISED_HOST")]
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    [ConfigurationKeyName("CLUSTER_ID")]
    public string ClusterId { get; set; } = "orleans-kv";

    /// <summary>Bootstrap tokens, comma-separated; each gets a namespace of its own.</summary>
    [ConfigurationKeyName("TOKEN")]
    public string? Tokens { get; set; }

    /// <summary>The credential that manages tokens of every namespace.</summary>
    [ConfigurationKeyName("ADMIN_TOKEN")]
    public string? AdminToken { get; set; }

    /// <summary>HS256 key for JWTs (at least 32 bytes).</summary>
    [ConfigurationKeyName("JWT_SIGNING_KEY")]
    public string? JwtSigningKey { get; set; }

    /// <summary>PEM file with the RSA or EC public key for RS256/ES256 JWTs.</summary>
    [ConfigurationKeyName("JWT_PUBLIC_KEY_FILE")]
    public string? JwtPublicKeyFile { get; set; }

    [ConfigurationKeyName("JWT_ISSUER")]
    public string? JwtIssuer { get; set; }

    [ConfigurationKeyName("JWT_AUDIENCE")]
    public string? JwtAudience { get; set; }

    /// <summary>zstd level for stored contents, 1 (fastest) to 19.</summary>
    [ConfigurationKeyName("COMPRESSION_LEVEL")]
    public int CompressionLevel { get; set; } = 1;

    /// <summary>Contents shorter than this many bytes are stored uncompressed.</summary>
    [ConfigurationKeyName("COMPRESSION_MIN_BYTES")]
    public int CompressionMinBytes { get; set; } = 512;

    /// <summary>Largest value, in bytes.</summary>
    [ConfigurationKeyName("MAX_VALUE_BYTES")]
    public int MaxValueBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Default request rate of a namespace, per front end (silo), in requests per second; 0 = no limit.</summary>
    [ConfigurationKeyName("NAMESPACE_OPS_PER_SECOND")]
    public int NamespaceOpsPerSecond { get; set; }

    /// <summary>Default burst of a namespace: requests its bucket holds; 0 = one second's worth of NAMESPACE_OPS_PER_SECOND.</summary>
    [ConfigurationKeyName("NAMESPACE_BURST")]
    public int NamespaceBurst { get; set; }

    /// <summary>Request rate of each credential (token or JWT subject) within its namespace, per front end; 0 = no limit.</summary>
    [ConfigurationKeyName("TOKEN_OPS_PER_SECOND")]
    public int TokenOpsPerSecond { get; set; }

    /// <summary>Burst of each credential; 0 = one second's worth of TOKEN_OPS_PER_SECOND.</summary>
    [ConfigurationKeyName("TOKEN_BURST")]
    public int TokenBurst { get; set; }

    /// <summary>Default quota: most keys a namespace holds; 0 = no limit.</summary>
    [ConfigurationKeyName("NAMESPACE_MAX_KEYS")]
    public long NamespaceMaxKeys { get; set; }

    /// <summary>Default quota: most bytes (UTF-8 key bytes plus value bytes) a namespace holds; 0 = no limit.</summary>
    [ConfigurationKeyName("NAMESPACE_MAX_BYTES")]
    public long NamespaceMaxBytes { get; set; }

    /// <summary>How often a front end re-reads a namespace's rate overrides set through another silo, in seconds.</summary>
    [ConfigurationKeyName("LIMITS_REFRESH_SECONDS")]
    public int LimitsRefreshSeconds { get; set; } = 5;

    [ConfigurationKeyName("LOG_LEVEL")]
    public string LogLevel { get; set; } = "Information";

    /// <summary>True when the server runs as a cluster silo over Redis.</summary>
    public bool IsClustered => !string.IsNullOrWhiteSpace(RedisUrl);

    /// <summary><see cref="RedisUrl"/> as a StackExchange.Redis configuration string (validated at start-up).</summary>
    public string RedisConnectionString => Configuration.RedisUrl.TryNormalize(RedisUrl, out var configuration, out var problem)
        ? configuration
        : throw new Hosting.InvalidConfigurationException(problem!);
}
