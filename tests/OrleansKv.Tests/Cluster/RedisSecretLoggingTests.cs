using System.Globalization;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.ProcessTests;

namespace OrleansKv.Tests.Cluster;

/// <summary>
/// A Redis password given in REDIS_URL (either form) reaches neither the start-up line nor any other line the server
/// writes, at the most verbose log level, nor the one line of a configuration the server refuses.
/// </summary>
public sealed class RedisSecretLoggingTests
{
    private const string Password = "Redis-Pw-7f3c91d2";

    [Theory]
    [InlineData("redis://:{0}@127.0.0.1:{1}")]
    [InlineData("127.0.0.1:{1},password={0}")]
    public async Task TheRedisPasswordNeverReachesALogLine(string form)
    {
        await using var redis = await RedisServerProcess.StartAsync(arguments: ["--requirepass", Password]);
        var url = string.Format(CultureInfo.InvariantCulture, form, Password, redis.Port);
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["REDIS_URL"] = url,
            ["CLUSTER_ID"] = "secret-" + Guid.NewGuid().ToString("N")[..8],
            ["SILO_PORT"] = ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["TOKEN"] = "secret-logging-token",
            ["LOG_LEVEL"] = "Debug",
        });
        using (var client = server.CreateClient("secret-logging-token"))
        {
            (await client.PutAsync("/v1/kv/k", new StringContent("v"))).EnsureSuccessStatusCode();
            Assert.Equal("v", await client.GetStringAsync("/v1/kv/k"));
        }

        Assert.Equal(0, await server.StopAsync());
        var output = server.Output;
        var banner = Assert.Single(output.Split('\n'), l => l.Contains("OrleansKv started:", StringComparison.Ordinal));
        Assert.Contains($"storage=redis server=127.0.0.1:{redis.Port} tls=off password=on wait-replicas=0", banner, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedRedisUrlNamesTheOptionAndNotThePassword()
    {
        var (exitCode, stdout, stderr) = await ServerProcess.RunToExitAsync(
            new Dictionary<string, string> { ["REDIS_URL"] = $"127.0.0.1:6379,password={Password},connectTimeout={Password}" },
            TimeSpan.FromSeconds(20));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("'connectTimeout'", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, stdout + stderr, StringComparison.Ordinal);
    }
}
