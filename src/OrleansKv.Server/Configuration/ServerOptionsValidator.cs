using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansKv.Server.Configuration;

/// <summary>Checks the settings at start-up; every message names the setting.</summary>
internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var failures = new List<string>();
        CheckPort(failures, "HTTP_PORT", options.HttpPort);
        CheckPort(failures, "GRPC_PORT", options.GrpcPort);
        if (options.SiloPort is { } siloPort)
        {
            CheckPort(failures, "SILO_PORT", siloPort);
        }

        failures.AddRange(Protocols.ProtocolPorts.Problems(options));
        CheckRange(failures, "MEMBERSHIP_PROBE_TIMEOUT_MS", options.ProbeTimeoutMs, 100, 60_000);
        CheckRange(failures, "MEMBERSHIP_MAX_PROBE_TIMEOUT_MS", options.MaxProbeTimeoutMs, options.ProbeTimeoutMs, 600_000);
        CheckRange(failures, "MEMBERSHIP_MISSED_PROBES_LIMIT", options.MissedProbesLimit, 1, 10);
        CheckRange(failures, "OWNERSHIP_LEASE_MS", options.OwnershipLeaseMs, 100, 60_000);
        CheckRange(failures, "REDIS_WAIT_REPLICAS", options.RedisWaitReplicas, 0, 16);
        if (options.RedisWaitReplicas > 0 && !options.IsClustered)
        {
            failures.Add("REDIS_WAIT_REPLICAS applies to cluster mode only; set REDIS_URL, or leave it at 0.");
        }

        failures.AddRange(new OrleansKv.Grains.Storage.CompressionOptions { Level = options.CompressionLevel, MinBytes = options.CompressionMinBytes }.Problems());
        CheckRange(failures, "TTL_REMINDER_PERIOD_SECONDS", options.TtlReminderPeriodSeconds, 1, 86_400);
        CheckRange(failures, "DIRECTORY_ENTRY_EXPIRY_MINUTES", options.DirectoryEntryExpiryMinutes, 1, 525_600);
        CheckRange(failures, "NAMESPACE_OPS_PER_SECOND", options.NamespaceOpsPerSecond, 0, 10_000_000);
        CheckRange(failures, "NAMESPACE_BURST", options.NamespaceBurst, 0, 100_000_000);
        CheckRange(failures, "TOKEN_OPS_PER_SECOND", options.TokenOpsPerSecond, 0, 10_000_000);
        CheckRange(failures, "TOKEN_BURST", options.TokenBurst, 0, 100_000_000);
        CheckRange(failures, "LIMITS_REFRESH_SECONDS", options.LimitsRefreshSeconds, 1, 3600);
        if (options.NamespaceMaxKeys < 0)
        {
            failures.Add($"NAMESPACE_MAX_KEYS must be 0 (no limit) or more, not {options.NamespaceMaxKeys}.");
        }

        if (options.NamespaceMaxBytes < 0)
        {
            failures.Add($"NAMESPACE_MAX_BYTES must be 0 (no limit) or more, not {options.NamespaceMaxBytes}.");
        }

        if (!options.EnableHttp && !options.EnableGrpc)
        {
            failures.Add("ENABLE_HTTP and ENABLE_GRPC are both false; enable at least one.");
        }

        if (options.EnableHttp && options.EnableGrpc && options.HttpPort == options.GrpcPort)
        {
            failures.Add($"HTTP_PORT and GRPC_PORT are both {options.HttpPort}; they must differ.");
        }

        if (!System.Net.IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"BIND_ADDRESS '{options.BindAddress}' is not an IP address.");
        }

        if (options.MaxValueBytes is < 1 or > 512 * 1024 * 1024)
        {
            failures.Add($"MAX_VALUE_BYTES must be between 1 and 536870912, not {options.MaxValueBytes}.");
        }

        if (!Enum.TryParse<LogLevel>(options.LogLevel, ignoreCase: true, out _))
        {
            failures.Add($"LOG_LEVEL '{options.LogLevel}' is not one of Trace, Debug, Information, Warning, Error, Critical, None.");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory) && !options.IsClustered)
        {
            failures.Add("DATA_DIR must be set when REDIS_URL is not.");
        }

        if (options.IsClustered && !RedisUrl.TryNormalize(options.RedisUrl, out _, out var redisProblem))
        {
            failures.Add(redisProblem!);
        }

        if (options.AdminToken is { Length: > 0 and < 16 })
        {
            failures.Add("ADMIN_TOKEN must be at least 16 characters.");
        }

        if (options.Tokens is not null && options.Tokens.Split(',', StringSplitOptions.TrimEntries).Any(t => t.Length is > 0 and < 8))
        {
            failures.Add("Every TOKEN must be at least 8 characters.");
        }

        if (options.JwtSigningKey is { Length: > 0 and < 32 })
        {
            failures.Add("JWT_SIGNING_KEY must be at least 32 bytes for HS256.");
        }

        if (options.JwtPublicKeyFile is { Length: > 0 } file && !File.Exists(file))
        {
            failures.Add($"JWT_PUBLIC_KEY_FILE '{file}' does not exist.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckRange(List<string> failures, string setting, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{setting} must be between {min} and {max}, not {value}.");
        }
    }

    private static void CheckPort(List<string> failures, string setting, int port)
    {
        if (port is < 1 or > 65535)
        {
            failures.Add($"{setting} must be between 1 and 65535, not {port}.");
        }
    }
}
