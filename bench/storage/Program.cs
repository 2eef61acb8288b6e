using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

// Content deduplication and compression, measured on the real server binary (issue 14, part 5).
//   dotnet OrleansKv.StorageBench.dll --server-dll DLL [--baseline-dll DLL --baseline-name TEXT] --work DIR --out FILE.md
//        [--keys 10000] [--distinct 100] [--value-kib 16] [--concurrency 64] [--server-cpus LIST]
// For each configuration and workload, a fresh server (embedded, DURABILITY=full, its own data directory): PUT every
// key, GET every key twice, then a clean stop. Reported: the bytes on disk after the stop (the store's SQLite file
// after its checkpoint), the server's CPU time per PUT and per GET (utime + stime from /proc), and the throughput.
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

var keys = int.Parse(options.GetValueOrDefault("keys", "10000"), CultureInfo.InvariantCulture);
var distinct = int.Parse(options.GetValueOrDefault("distinct", "100"), CultureInfo.InvariantCulture);
var valueBytes = int.Parse(options.GetValueOrDefault("value-kib", "16"), CultureInfo.InvariantCulture) * 1024;
var concurrency = int.Parse(options.GetValueOrDefault("concurrency", "64"), CultureInfo.InvariantCulture);
var work = options.GetValueOrDefault("work", Path.GetTempPath());
var serverCpus = options.GetValueOrDefault("server-cpus", "");

var configurations = new List<Configuration>();
if (options.TryGetValue("baseline-dll", out var baselineDll))
{
    configurations.Add(new(options.GetValueOrDefault("baseline-name", "previous build (each value in full)"), baselineDll, []));
}

configurations.Add(new("dedup, no compression", options["server-dll"], [("COMPRESSION_MIN_BYTES", int.MaxValue.ToString(CultureInfo.InvariantCulture))]));
configurations.Add(new("dedup + zstd level 1 (default)", options["server-dll"], []));
configurations.Add(new("dedup + zstd level 9", options["server-dll"], [("COMPRESSION_LEVEL", "9")]));

var workloads = new[]
{
    new Workload($"duplicate-heavy: {keys:N0} keys over {distinct} distinct {valueBytes / 1024} KiB JSON-like values", Values.JsonLike(keys, distinct, valueBytes)),
    new Workload($"incompressible: {keys:N0} keys of distinct random {valueBytes / 1024} KiB values", Values.Random(keys, valueBytes)),
};

var rows = new List<(Workload Workload, Configuration Configuration, Measurement Result)>();
foreach (var workload in workloads)
{
    foreach (var configuration in configurations)
    {
        Console.WriteLine($"storage: {workload.Name} / {configuration.Name} ...");
        var result = await Runner.RunAsync(configuration, workload, work, concurrency, serverCpus);
        Console.WriteLine($"  {result.DiskBytes / 1048576.0:F1} MiB on disk, PUT {result.PutsPerSecond:F0}/s ({result.CpuPerPutUs:F0} us CPU), GET {result.GetsPerSecond:F0}/s ({result.CpuPerGetUs:F0} us CPU)");
        rows.Add((workload, configuration, result));
    }
}

File.WriteAllText(options["out"], Report.Markdown(rows, keys, valueBytes, concurrency, serverCpus));
Console.WriteLine("storage: wrote " + options["out"]);
return 0;

internal sealed record Configuration(string Name, string ServerDll, (string Name, string Value)[] Settings);

internal sealed record Workload(string Name, byte[][] Values)
{
    public long LogicalBytes => Values.Sum(v => (long)v.Length);
}

internal sealed record Measurement(long DiskBytes, double PutsPerSecond, double CpuPerPutUs, double GetsPerSecond, double CpuPerGetUs);

internal static class Values
{
    private static readonly string[] Words = ["build", "artifact", "region", "eu-west", "config", "replicas", "timeout", "enabled", "cache", "version", "owner", "checksum"];

    /// <summary><paramref name="keys"/> values cycling over <paramref name="distinct"/> different JSON documents of about <paramref name="size"/> bytes.</summary>
    public static byte[][] JsonLike(int keys, int distinct, int size)
    {
        var documents = new byte[distinct][];
        for (var d = 0; d < distinct; d++)
        {
            var random = new Random(d);
            var sb = new StringBuilder("{\"items\":[");
            for (var i = 0; sb.Length < size - 80; i++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{{\"id\":{i},\"name\":\"{Words[random.Next(Words.Length)]}-{random.Next(1000)}\",\"{Words[random.Next(Words.Length)]}\":{random.Next(100000)},\"ok\":{(random.Next(2) == 0 ? "true" : "false")}}},");
            }

            sb.Append(CultureInfo.InvariantCulture, $"{{\"document\":{d}}}]}}");
            documents[d] = Encoding.UTF8.GetBytes(sb.ToString().PadRight(size));
        }

        return Enumerable.Range(0, keys).Select(k => documents[k % distinct]).ToArray();
    }

    public static byte[][] Random(int keys, int size)
    {
        var random = new Random(42);
        return Enumerable.Range(0, keys).Select(_ =>
        {
            var value = new byte[size];
            random.NextBytes(value);
            return value;
        }).ToArray();
    }
}

internal static class Runner
{
    private const string Token = "storage-bench-token-0123456789";

    public static async Task<Measurement> RunAsync(Configuration configuration, Workload workload, string work, int concurrency, string serverCpus)
    {
        var dataDir = Path.Combine(work, "storage-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        var port = FreePort();
        using var server = Start(configuration, dataDir, port, serverCpus);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            await WaitReadyAsync(http, server);

            var values = workload.Values;
            var (putSeconds, putCpu) = await TimedAsync(server, () => ForEachKeyAsync(values.Length, concurrency, async i =>
            {
                using var content = new ByteArrayContent(values[i]);
                using var response = await http.PutAsync("/v1/kv/k" + i.ToString(CultureInfo.InvariantCulture), content);
                Check(response);
            }));
            var (getSeconds, getCpu) = await TimedAsync(server, () => ForEachKeyAsync(2 * values.Length, concurrency, async i =>
            {
                using var response = await http.GetAsync("/v1/kv/k" + (i % values.Length).ToString(CultureInfo.InvariantCulture), HttpCompletionOption.ResponseContentRead);
                Check(response);
                var body = await response.Content.ReadAsByteArrayAsync();
                if (!body.AsSpan().SequenceEqual(values[i % values.Length]))
                {
                    throw new InvalidOperationException($"key k{i % values.Length} read back different bytes");
                }
            }));

            await StopAsync(server);
            var disk = Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            return new Measurement(disk, values.Length / putSeconds, putCpu / values.Length * 1e6, 2 * values.Length / getSeconds, getCpu / (2 * values.Length) * 1e6);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }

            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static Process Start(Configuration configuration, string dataDir, int port, string serverCpus)
    {
        var start = new ProcessStartInfo(serverCpus.Length > 0 ? "taskset" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (serverCpus.Length > 0)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(serverCpus);
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(configuration.ServerDll);
        start.Environment["HTTP_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["ENABLE_GRPC"] = "false";
        start.Environment["DATA_DIR"] = dataDir;
        start.Environment["TOKEN"] = Token;
        start.Environment["DURABILITY"] = "full";
        start.Environment["MAX_VALUE_BYTES"] = (64 * 1024 * 1024).ToString(CultureInfo.InvariantCulture);
        start.Environment["LOG_LEVEL"] = "Warning";
        foreach (var (name, value) in configuration.Settings)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine("  server: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(HttpClient http, Process server)
    {
        for (var i = 0; i < 600; i++)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {server.ExitCode} before it was ready");
            }

            try
            {
                using var response = await http.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the server was not ready within 60 s");
    }

    private static async Task StopAsync(Process server)
    {
        using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await server.WaitForExitAsync(timeout.Token);
    }

    private static async Task<(double Seconds, double CpuSeconds)> TimedAsync(Process server, Func<Task> load)
    {
        var cpu0 = CpuSeconds(server.Id);
        var clock = Stopwatch.StartNew();
        await load();
        var seconds = clock.Elapsed.TotalSeconds;
        return (seconds, CpuSeconds(server.Id) - cpu0);
    }

    /// <summary>utime + stime of the server process (the dotnet process itself, also under taskset, which execs).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static async Task ForEachKeyAsync(int count, int concurrency, Func<int, Task> body)
    {
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                await body(i);
            }
        });
        await Task.WhenAll(workers);
    }

    private static void Check(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK && response.StatusCode != HttpStatusCode.Created && response.StatusCode != HttpStatusCode.NoContent)
        {
            throw new InvalidOperationException($"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri} answered {(int)response.StatusCode}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal static class Report
{
    public static string Markdown(List<(Workload Workload, Configuration Configuration, Measurement Result)> rows, int keys, int valueBytes, int concurrency, string serverCpus)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# OrleansKv storage: deduplication and compression — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine();
        sb.AppendLine(inv, $"Command: `bench/run.sh --storage`. The server binary, embedded (SQLite), DURABILITY=full, REST over loopback, {concurrency} concurrent requests; {keys:N0} PUTs of {valueBytes / 1024} KiB, then {2 * keys:N0} GETs, then a clean stop. ");
        sb.AppendLine("Disk: every file of the data directory after the stop (the WAL checkpointed into the store). CPU: the server process's user + system time over the phase, per request (HTTP, auth, hashing, compression, grain, SQLite together). ");
        sb.AppendLine(serverCpus.Length > 0
            ? $"The server pinned to CPU(s) {serverCpus}, the load generator to the others; other work on the machine shows in every row alike: compare within a table."
            : "Nothing pinned: server and load generator share every core; compare within a table.");
        foreach (var group in rows.GroupBy(r => r.Workload))
        {
            var logical = group.Key.LogicalBytes;
            var baseline = group.First().Result;
            sb.AppendLine();
            sb.AppendLine(inv, $"## {group.Key.Name}");
            sb.AppendLine();
            sb.AppendLine(inv, $"Logical size: {logical / 1048576.0:F1} MiB.");
            sb.AppendLine();
            sb.AppendLine("| configuration | on disk | vs first row | PUT/s | CPU per PUT | GET/s | CPU per GET |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var (_, configuration, r) in group)
            {
                sb.AppendLine(inv, $"| {configuration.Name} | {r.DiskBytes / 1048576.0:F1} MiB | {(double)r.DiskBytes / baseline.DiskBytes:F3} × | {r.PutsPerSecond:F0} | {r.CpuPerPutUs:F0} µs | {r.GetsPerSecond:F0} | {r.CpuPerGetUs:F0} µs |");
            }
        }

        return sb.ToString();
    }
}
