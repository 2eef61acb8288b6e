using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansKv.Tests.ProcessTests;
using Xunit.Abstractions;

using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Deployment;

/// <summary>
/// Renders the Helm chart, reads the environment its templates give a silo pod, and starts three real silo
/// processes with exactly that environment — only what a pod gets from Kubernetes itself is mapped to loopback
/// (the pod IP, the bind address, and ports, since three processes share one host) — then checks that they
/// form a cluster and serve.
/// </summary>
public sealed class ChartEnvironmentClusterTests(ITestOutputHelper output)
{
    private static readonly HashSet<string> MappedToLoopback = ["ADVERTISED_HOST", "BIND_ADDRESS", "HTTP_PORT", "GRPC_PORT", "SILO_PORT", "DATA_DIR"];

    [Fact]
    public async Task SilosStartedWithTheChartsEnvironmentFormAClusterAndServe()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        const string Admin = "chart-admin-token-0123456789abcdef";
        var rendered = await RenderSiloEnvironmentAsync(
            "--set", "redis.enabled=false",
            "--set", $"redis.url=127.0.0.1:{redis.Port}",
            "--set", "replicaCount=3",
            "--set", $"auth.adminToken={Admin}");
        var env = rendered.GetProperty("env");
        output.WriteLine(env.ToString());

        var baseEnvironment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in env.EnumerateObject())
        {
            if (MappedToLoopback.Contains(variable.Name))
            {
                continue;
            }

            Assert.True(variable.Value.ValueKind == JsonValueKind.String, $"{variable.Name} is not resolvable from the rendered manifests: {variable.Value}");
            baseEnvironment[variable.Name] = variable.Value.GetString()!;
        }

        Assert.Equal(JsonValueKind.Object, env.GetProperty("ADVERTISED_HOST").ValueKind);
        Assert.Equal("status.podIP", env.GetProperty("ADVERTISED_HOST").GetProperty("fieldRef").GetString());
        Assert.Equal("0.0.0.0", env.GetProperty("BIND_ADDRESS").GetString());
        Assert.StartsWith($"127.0.0.1:{redis.Port}", baseEnvironment["REDIS_URL"], StringComparison.Ordinal);
        Assert.Equal(Admin, baseEnvironment["ADMIN_TOKEN"]);

        var silos = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var environment = new Dictionary<string, string>(baseEnvironment)
                {
                    ["ADVERTISED_HOST"] = "127.0.0.1",
                    ["BIND_ADDRESS"] = "127.0.0.1",
                    ["SILO_PORT"] = ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture),
                };
                silos.Add(await ServerProcess.StartAsync(environment));
            }

            var deadline = Stopwatch.StartNew();
            foreach (var silo in silos)
            {
                using var health = silo.CreateClient();
                while ((await health.GetFromJsonAsync<JsonElement>("/readyz")).GetProperty("cluster_size").GetInt32() != 3)
                {
                    Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the silos did not form a cluster of 3");
                    await Task.Delay(100);
                }
            }

            // The chart's admin token issues a token; a write through one silo reads back through the others.
            using var admin = silos[0].CreateClient(Admin);
            var issued = await (await admin.PostAsJsonAsync("/v1/tokens", new { @namespace = "chart-test", scopes = new[] { "read", "write" } })).Content.ReadFromJsonAsync<JsonElement>();
            var token = issued.GetProperty("token").GetString()!;
            using var writer = silos[0].CreateClient(token);
            (await writer.PostAsJsonAsync("/greeting", new { value = "hello from the chart" })).EnsureSuccessStatusCode();
            foreach (var silo in silos)
            {
                using var reader = silo.CreateClient(token);
                var body = await reader.GetFromJsonAsync<JsonElement>("/greeting");
                Assert.Equal("hello from the chart", body.GetProperty("value").GetString());
            }
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task<JsonElement> RenderSiloEnvironmentAsync(params string[] helmArguments)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = RepositoryRoot.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(".ci/render-silo-env.sh");
        foreach (var argument in helmArguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(process.ExitCode == 0, "rendering failed: " + await stderr);
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }
}
