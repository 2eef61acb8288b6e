using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using OrleansKv.Client;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Metrics;

public sealed class MetricsTests
{
    [Fact]
    public async Task MetricsParseWithAPrometheusParserAndCountWhatHappened()
    {
        await using var server = await InProcessServer.StartAsync();
        using var client = server.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            (await client.PostAsync($"/m{i}", new StringContent("{\"value\":\"v\"}"))).EnsureSuccessStatusCode();
            (await client.GetAsync($"/m{i}")).EnsureSuccessStatusCode();
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/absent")).StatusCode);
        await using (var grpc = new KvClient(new Uri($"http://127.0.0.1:{server.GrpcPort}"), server.Token))
        {
            await grpc.SetAsync("grpc/m", "v");
        }

        using var anonymous = new HttpClient { BaseAddress = client.BaseAddress };
        var text = await anonymous.GetStringAsync("/metrics");

        var families = ParseWithPrometheusClient(text);
        Assert.Equal(6, Sample(families, "kv_storage_keys_total", []));
        Assert.Equal(6, Sample(families, "kv_storage_ops_total", new() { ["operation"] = "put" }));
        Assert.Equal(6, Sample(families, "kv_storage_ops_total", new() { ["operation"] = "get" }));
        Assert.Equal(5, Sample(families, "kv_request_duration_seconds_count", new() { ["protocol"] = "rest", ["route"] = "root_set", ["status"] = "200" }));
        Assert.Equal(1, Sample(families, "kv_errors_total", new() { ["protocol"] = "rest", ["code"] = "not_found" }));
        Assert.Equal(1, Sample(families, "kv_cluster_size", []));
        Assert.True(Sample(families, "kv_namespaces_active", []) >= 1);
        Assert.True(Sample(families, "kv_group_commit_batch_size_count", []) >= 1);
        // The six values are equal: one stored content, five dedup hits, and so a logical/stored ratio above 1.
        Assert.Equal(1, Sample(families, "kv_storage_objects_total", []));
        Assert.Equal(5, Sample(families, "kv_storage_dedup_hits_total", []));
        Assert.True(Sample(families, "kv_storage_bytes_total", []) > 0);
        Assert.True(Sample(families, "kv_storage_stored_bytes", []) > 0);
        Assert.True(Sample(families, "kv_storage_compression_ratio", []) > 1);

        // ASP.NET Core's (gRPC calls included), Kestrel's, the runtime's, the process's and Orleans' own instruments.
        Assert.Equal(5, Sample(families, "http_server_request_duration_seconds_count", new() { ["http_route"] = "/{**key}", ["http_request_method"] = "POST" }));
        Assert.True(Sample(families, "kestrel_active_connections", []) >= 1);
        Assert.Equal(1, Sample(families, "http_server_request_duration_seconds_count", new() { ["http_route"] = "/orleanskv.v1.KvStore/Set" }));
        Assert.Equal(1, Sample(families, "kv_request_duration_seconds_count", new() { ["protocol"] = "grpc", ["route"] = "grpc_set", ["status"] = "0" }));
        Assert.True(Sample(families, "process_memory_usage_bytes", []) > 0);
        Assert.True(Sample(families, "dotnet_gc_collections_total", []) >= 0);
        Assert.True(Sample(families, "orleans_catalog_activations", []) >= 1);
        Assert.Contains(families, s => s.GetProperty("name").GetString()!.StartsWith("orleans_messaging_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MetricsCountStoredContentsDedupHitsAndStoredBytesApartFromLogicalBytes()
    {
        await using var server = await InProcessServer.StartAsync();
        using var client = server.CreateClient();
        var shared = "{\"value\":\"" + string.Concat(Enumerable.Repeat("compressible text, ", 400)) + "\"}";
        foreach (var key in new[] { "d1", "d2", "d3" })
        {
            (await client.PostAsync("/" + key, new StringContent(shared))).EnsureSuccessStatusCode();
        }

        (await client.PostAsync("/other", new StringContent("{\"value\":\"v\"}"))).EnsureSuccessStatusCode();
        using var anonymous = new HttpClient { BaseAddress = client.BaseAddress };
        var families = ParseWithPrometheusClient(await anonymous.GetStringAsync("/metrics"));

        Assert.Equal(4, Sample(families, "kv_storage_keys_total", []));
        Assert.Equal(2, Sample(families, "kv_storage_objects_total", []));
        Assert.Equal(2, Sample(families, "kv_storage_dedup_hits_total", []));
        var logical = Sample(families, "kv_storage_bytes_total", []);
        var stored = Sample(families, "kv_storage_stored_bytes", []);
        Assert.True(logical > 3 * 7000, $"logical bytes {logical}");
        Assert.True(stored < logical / 10, $"stored {stored} of logical {logical}: one compressed copy expected");
        Assert.True(Sample(families, "kv_storage_compression_ratio", []) > 10);
    }

    /// <summary>Parses the exposition with Debian's python3-prometheus-client and returns every sample as JSON.</summary>
    private static List<JsonElement> ParseWithPrometheusClient(string text)
    {
        const string Script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = []
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    out.append({"name": s.name, "labels": s.labels, "value": s.value, "type": family.type})
            print(json.dumps(out))
            """;
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        using var process = Process.Start(start)!;
        process.StandardInput.Write(text);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "the Prometheus parser rejected the exposition: " + errors);
        return JsonSerializer.Deserialize<List<JsonElement>>(output)!;
    }

    private static double Sample(List<JsonElement> samples, string name, Dictionary<string, string> labels)
    {
        var match = samples.Where(s => s.GetProperty("name").GetString() == name
            && labels.All(l => s.GetProperty("labels").TryGetProperty(l.Key, out var v) && v.GetString() == l.Value)).ToList();
        Assert.True(match.Count > 0, $"no sample {name} with {string.Join(",", labels)}");
        return match.Sum(s => s.GetProperty("value").GetDouble());
    }
}
