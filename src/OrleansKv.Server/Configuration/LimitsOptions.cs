using Microsoft.Extensions.Configuration;

namespace OrleansKv.Server.Configuration;

/// <summary>
/// What one request and one namespace may take, whatever the protocol: the largest value, the default request rates
/// of a namespace and of a credential, and the default quotas. Per-namespace overrides come from the admin API.
/// </summary>
public sealed class LimitsOptions
{
    /// <summary>Largest value, in bytes, on every protocol; the REST and gRPC message bounds derive from it.</summary>
    [ConfigurationKeyName("MAX_VALUE_BYTES")]
    [SettingRange(1, 512 * 1024 * 1024, ErrorMessage = "MAX_VALUE_BYTES must be between {1} and {2}, not {3}.")]
    public int MaxValueBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Default request rate of a namespace, per front end (silo), in requests per second; 0 = no limit.</summary>
    [ConfigurationKeyName("NAMESPACE_OPS_PER_SECOND")]
    [SettingRange(0, 10_000_000, ErrorMessage = "NAMESPACE_OPS_PER_SECOND must be between {1} and {2}, not {3}.")]
    public int NamespaceOpsPerSecond { get; set; }

    /// <summary>Default burst of a namespace: requests its bucket holds; 0 = one second's worth of NAMESPACE_OPS_PER_SECOND.</summary>
    [ConfigurationKeyName("NAMESPACE_BURST")]
    [SettingRange(0, 100_000_000, ErrorMessage = "NAMESPACE_BURST must be between {1} and {2}, not {3}.")]
    public int NamespaceBurst { get; set; }

    /// <summary>Request rate of each credential (token or JWT subject) within its namespace, per front end; 0 = no limit.</summary>
    [ConfigurationKeyName("TOKEN_OPS_PER_SECOND")]
    [SettingRange(0, 10_000_000, ErrorMessage = "TOKEN_OPS_PER_SECOND must be between {1} and {2}, not {3}.")]
    public int TokenOpsPerSecond { get; set; }

    /// <summary>Burst of each credential; 0 = one second's worth of TOKEN_OPS_PER_SECOND.</summary>
    [ConfigurationKeyName("TOKEN_BURST")]
    [SettingRange(0, 100_000_000, ErrorMessage = "TOKEN_BURST must be between {1} and {2}, not {3}.")]
    public int TokenBurst { get; set; }

    /// <summary>Default quota: most keys a namespace holds; 0 = no limit.</summary>
    [ConfigurationKeyName("NAMESPACE_MAX_KEYS")]
    [SettingRange(typeof(long), "0", "9223372036854775807", ErrorMessage = "NAMESPACE_MAX_KEYS must be 0 (no limit) or more, not {3}.")]
    public long NamespaceMaxKeys { get; set; }

    /// <summary>Default quota: most bytes (UTF-8 key bytes plus value bytes) a namespace holds; 0 = no limit.</summary>
    [ConfigurationKeyName("NAMESPACE_MAX_BYTES")]
    [SettingRange(typeof(long), "0", "9223372036854775807", ErrorMessage = "NAMESPACE_MAX_BYTES must be 0 (no limit) or more, not {3}.")]
    public long NamespaceMaxBytes { get; set; }

    /// <summary>How often a front end re-reads a namespace's rate overrides set through another silo, in seconds.</summary>
    [ConfigurationKeyName("LIMITS_REFRESH_SECONDS")]
    [SettingRange(1, 3600, ErrorMessage = "LIMITS_REFRESH_SECONDS must be between {1} and {2}, not {3}.")]
    public int LimitsRefreshSeconds { get; set; } = 5;
}
