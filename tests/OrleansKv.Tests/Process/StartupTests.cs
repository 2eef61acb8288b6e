using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OrleansKv.Tests.ProcessTests;

/// <summary>Start-up as an operator sees it: one clear line for a bad configuration, one start-up line, no secrets.</summary>
public sealed class StartupTests
{
    public static TheoryData<string, string, string> InvalidSettings() => new()
    {
        { "HTTP_PORT", "abc", "HTTP_PORT" },
        { "HTTP_PORT", "70000", "HTTP_PORT" },
        { "MAX_VALUE_BYTES", "0", "MAX_VALUE_BYTES" },
        { "REDIS_URL", "bad url with spaces", "REDIS_URL" },
        { "DURABILITY", "sometimes", "DURABILITY" },
        { "LOG_LEVEL", "loud", "LOG_LEVEL" },
        { "BIND_ADDRESS", "not-an-ip", "BIND_ADDRESS" },
        { "ADMIN_TOKEN", "short", "ADMIN_TOKEN" },
        { "ENABLE_HTTP", "maybe", "ENABLE_HTTP" },
        { "NAMESPACE_MAX_KEYS", "-1", "NAMESPACE_MAX_KEYS" },
        { "NAMESPACE_MAX_BYTES", "lots", "NAMESPACE_MAX_BYTES" },
        { "NAMESPACE_OPS_PER_SECOND", "-5", "NAMESPACE_OPS_PER_SECOND" },
        { "TOKEN_BURST", "-1", "TOKEN_BURST" },
        { "LIMITS_REFRESH_SECONDS", "0", "LIMITS_REFRESH_SECONDS" },
        { "REDIS_WAIT_REPLICAS", "-1", "REDIS_WAIT_REPLICAS" },
        { "REDIS_WAIT_REPLICAS", "1", "REDIS_WAIT_REPLICAS" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task InvalidConfigurationExitsNonZeroWithOneLineOnStderr(string setting, string value, string named)
    {
        var clock = Stopwatch.StartNew();

        var (exitCode, stdout, stderr) = await ServerProcess.RunToExitAsync(new Dictionary<string, string> { [setting] = value }, TimeSpan.FromSeconds(20));

        Assert.NotEqual(0, exitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"exiting took {clock.Elapsed}");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"stderr should be one line, was:\n{stderr}\nstdout:\n{stdout}");
        Assert.StartsWith("orleans-kv: invalid configuration: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(named, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr + stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr + stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheStartupLineIsPrintedOnceWithPortsAndStorageAndNoSecretAppearsAnywhere()
    {
        const string token1 = "secret-bootstrap-token-one";
        const string token2 = "secret-bootstrap-token-two";
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["TOKEN"] = $"{token1},{token2}" });
        string issued;
        using (var admin = server.CreateClient(ServerProcess.AdminToken))
        {
            using var response = await admin.PostAsync("/v1/tokens", Rest.RestAssert.Json("""{"namespace": "secrets", "scopes": ["read"]}"""));
            issued = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        }

        // Failing and succeeding authentications, so that any credential logging would show.
        using (var client = server.CreateClient(token1))
        {
            (await client.PutAsync("/v1/kv/k", new StringContent("v"))).EnsureSuccessStatusCode();
        }

        using (var bad = server.CreateClient(token1 + "-wrong"))
        {
            await bad.GetAsync("/v1/keys");
        }

        using (var reader = server.CreateClient(issued))
        {
            await reader.GetAsync("/v1/keys");
        }

        Assert.Equal(0, await server.StopAsync());
        var output = server.Output;

        var started = output.Split('\n').Where(l => l.Contains("OrleansKv started:", StringComparison.Ordinal)).ToList();
        Assert.True(started.Count == 1, $"expected one start-up line:\n{output}");
        var line = started[0];
        Assert.Contains("mode=embedded", line, StringComparison.Ordinal);
        Assert.Contains($"http=127.0.0.1:{server.HttpPort}", line, StringComparison.Ordinal);
        Assert.Contains($"grpc=127.0.0.1:{server.GrpcPort}", line, StringComparison.Ordinal);
        Assert.Matches(new Regex("storage=sqlite \\S+ durability=full"), line);
        Assert.Contains(server.DataDirectory, line, StringComparison.Ordinal);
        Assert.Contains("tokens=2", line, StringComparison.Ordinal);
        foreach (var secret in new[] { token1, token2, ServerProcess.AdminToken, issued, token1 + "-wrong" })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }
    }
}
