using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansKv.Server.Configuration;

namespace OrleansKv.Tests.Configuration;

/// <summary>
/// Each concern's settings are bound from their flat keys and checked by their own validator; a bad value is refused
/// with a message that names the key, and the start-up line carries only those messages.
/// </summary>
public sealed class SettingsValidationTests
{
    [Fact]
    public void ListenerSettingsRefuseAPortOutOfRange() =>
        AssertRefused<ListenerOptions>("HTTP_PORT", "0", "HTTP_PORT must be between 1 and 65535, not 0.");

    [Fact]
    public void ListenerSettingsRefuseTwoListenersOnOnePort() =>
        AssertRefused<ListenerOptions>("RESP_PORT", "3000", "RESP_PORT and HTTP_PORT are both 3000; they must differ.");

    [Fact]
    public void ClusteringSettingsRefuseAMaxProbeTimeoutBelowTheProbeTimeout() =>
        AssertRefused<ClusteringOptions>("MEMBERSHIP_MAX_PROBE_TIMEOUT_MS", "500", "MEMBERSHIP_MAX_PROBE_TIMEOUT_MS must be between 1000 and 600000, not 500.");

    [Fact]
    public void ClusteringSettingsRefuseWaitReplicasWithoutRedis() =>
        AssertRefused<ClusteringOptions>("REDIS_WAIT_REPLICAS", "1", "REDIS_WAIT_REPLICAS applies to cluster mode only; set REDIS_URL, or leave it at 0.");

    [Fact]
    public void StorageSettingsRefuseACompressionLevelOutOfRange() =>
        AssertRefused<StorageOptions>("COMPRESSION_LEVEL", "20", "COMPRESSION_LEVEL must be between 1 and 19, not 20.");

    [Fact]
    public void StorageSettingsNeedADataDirectoryWithoutRedis() =>
        AssertRefused<StorageOptions>("DATA_DIR", " ", "DATA_DIR must be set when REDIS_URL is not.");

    [Fact]
    public void AuthSettingsRefuseAShortAdminToken() =>
        AssertRefused<AuthOptions>("ADMIN_TOKEN", "short", "ADMIN_TOKEN must be at least 16 characters.");

    [Fact]
    public void LimitsSettingsRefuseANegativeQuota() =>
        AssertRefused<LimitsOptions>("NAMESPACE_MAX_KEYS", "-1", "NAMESPACE_MAX_KEYS must be 0 (no limit) or more, not -1.");

    [Fact]
    public void LoggingSettingsRefuseAnUnknownLevel() =>
        AssertRefused<LoggingOptions>("LOG_LEVEL", "loud", "LOG_LEVEL 'loud' is not one of Trace, Debug, Information, Warning, Error, Critical, None.");

    [Fact]
    public void DefaultsAreValidAndKeysAreTheEnvironmentNames()
    {
        using var services = Settings(new() { ["HTTP_PORT"] = "3100", ["REDIS_URL"] = "localhost:6379", ["NAMESPACE_BURST"] = "7", ["JWT_ISSUER"] = "me" });

        Assert.Equal(3100, services.GetRequiredService<IOptions<ListenerOptions>>().Value.HttpPort);
        Assert.True(services.GetRequiredService<IOptions<ClusteringOptions>>().Value.IsClustered);
        Assert.Equal(7, services.GetRequiredService<IOptions<LimitsOptions>>().Value.NamespaceBurst);
        Assert.Equal("me", services.GetRequiredService<IOptions<AuthOptions>>().Value.JwtIssuer);
        Assert.Equal(Server.Configuration.DurabilityMode.Full, services.GetRequiredService<IOptions<StorageOptions>>().Value.Durability);
    }

    [Fact]
    public void StartupReadsEverySettingFirstAndReportsEveryBadOneInOneLine()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["HTTP_PORT"] = "abc", ["TOKEN_BURST"] = "-1", ["LOG_LEVEL"] = "loud" })
            .Build();

        var ex = Assert.ThrowsAny<Exception>(() => StartupSettings.Read(configuration));

        var line = ConfigurationFailure.Describe(ex);
        Assert.Equal(
            "Failed to convert configuration value 'abc' at 'HTTP_PORT' to type 'System.Int32'. TOKEN_BURST must be between 0 and 100000000, not -1. "
            + "LOG_LEVEL 'loud' is not one of Trace, Debug, Information, Warning, Error, Critical, None.",
            line);
    }

    private static void AssertRefused<TOptions>(string key, string value, string message)
        where TOptions : class
    {
        using var services = Settings(new() { [key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TOptions>>().Value);

        Assert.Equal(message, string.Join(" ", ex.Failures));
    }

    private static ServiceProvider Settings(Dictionary<string, string?> values)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddSingleton(configuration).AddServerSettings().BuildServiceProvider();
    }
}
