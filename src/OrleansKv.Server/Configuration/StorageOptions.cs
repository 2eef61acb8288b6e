using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Server.Configuration;

/// <summary>How the server stores data: the embedded store's directory and durability, the compression of stored
/// contents (both stores), and the sweep of expired keys.</summary>
public sealed class StorageOptions
{
    /// <summary>Where the embedded store keeps its files; needed unless REDIS_URL is set.</summary>
    [ConfigurationKeyName("DATA_DIR")]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>What the embedded store's commit waits for.</summary>
    [ConfigurationKeyName("DURABILITY")]
    public DurabilityMode Durability { get; set; } = DurabilityMode.Full;

    /// <summary>zstd level for stored contents, 1 (fastest) to 19.</summary>
    [ConfigurationKeyName("COMPRESSION_LEVEL")]
    [SettingRange(1, 19, ErrorMessage = "COMPRESSION_LEVEL must be between {1} and {2}, not {3}.")]
    public int CompressionLevel { get; set; } = 1;

    /// <summary>Contents shorter than this many bytes are stored uncompressed.</summary>
    [ConfigurationKeyName("COMPRESSION_MIN_BYTES")]
    [SettingRange(0, int.MaxValue, ErrorMessage = "COMPRESSION_MIN_BYTES must be 0 or more, not {3}.")]
    public int CompressionMinBytes { get; set; } = 512;

    /// <summary>Period of the durable reminder that sweeps expired keys of namespaces that are not active, in seconds.
    /// Below 60 it also lowers Orleans' minimum reminder period (which then logs a warning).</summary>
    [ConfigurationKeyName("TTL_REMINDER_PERIOD_SECONDS")]
    [SettingRange(1, 86_400, ErrorMessage = "TTL_REMINDER_PERIOD_SECONDS must be between {1} and {2}, not {3}.")]
    public int TtlReminderPeriodSeconds { get; set; } = 60;

    /// <summary>The compression settings as both stores take them.</summary>
    public CompressionOptions Compression => new() { Level = CompressionLevel, MinBytes = CompressionMinBytes };
}
