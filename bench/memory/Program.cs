using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansKv.Grains;
using OrleansKv.Grains.Tokens;
using OrleansKv.Server.Hosting;

// RAM per resident key and per activation (issue 6, part 4). Each scenario runs in a fresh child process: the
// whole server (ServerApp, embedded store) in process, loaded through the grain factory, then a forced compacting
// GC and the managed heap and RSS before and after.
//   dotnet OrleansKv.MemoryBench.dll --out FILE.md [--work DIR] [--keys 1000000] [--namespaces 100000]
//   dotnet OrleansKv.MemoryBench.dll --scenario NAME ... (one scenario; prints one JSON line)
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

var keys = int.Parse(options.GetValueOrDefault("keys", "1000000"), CultureInfo.InvariantCulture);
var namespaces = int.Parse(options.GetValueOrDefault("namespaces", "100000"), CultureInfo.InvariantCulture);
var work = options.GetValueOrDefault("work", Path.GetTempPath());

if (options.TryGetValue("scenario", out var scenario))
{
    var measured = await Scenarios.RunAsync(scenario, keys, namespaces, work);
    Console.WriteLine("MEMORY_RESULT " + JsonSerializer.Serialize(measured, MemoryJson.Default.Measurement));
    return 0;
}

var results = new List<Measurement>();
foreach (var name in Scenarios.Names)
{
    Console.WriteLine($"memory: {name} ...");
    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
    if (!Environment.ProcessPath!.EndsWith("OrleansKv.MemoryBench", StringComparison.Ordinal))
    {
        start.ArgumentList.Add(typeof(Scenarios).Assembly.Location);
    }

    foreach (var arg in new[] { "--scenario", name, "--keys", keys.ToString(CultureInfo.InvariantCulture), "--namespaces", namespaces.ToString(CultureInfo.InvariantCulture), "--work", work })
    {
        start.ArgumentList.Add(arg);
    }

    using var child = Process.Start(start)!;
    var output = await child.StandardOutput.ReadToEndAsync();
    await child.WaitForExitAsync();
    var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("MEMORY_RESULT ", StringComparison.Ordinal));
    if (child.ExitCode != 0 || line is null)
    {
        Console.Error.WriteLine($"memory: {name} failed (exit {child.ExitCode}): {output}");
        return 1;
    }

    var result = JsonSerializer.Deserialize(line["MEMORY_RESULT ".Length..], MemoryJson.Default.Measurement)!;
    Console.WriteLine($"  {result.Summary}");
    results.Add(result);
}

var markdown = Report.Render(results, keys, namespaces);
if (options.TryGetValue("out", out var outPath))
{
    await File.WriteAllTextAsync(outPath, markdown);
}

Console.WriteLine();
Console.WriteLine(markdown);
return 0;

/// <summary>What one scenario measured. Bytes; "units" are keys or activations.</summary>
internal sealed record Measurement(
    string Scenario,
    string Description,
    long Units,
    string Unit,
    long ResidentKeys,
    long Activations,
    long HeapBefore,
    long HeapAfter,
    long RssBefore,
    long RssAfter,
    double LoadSeconds,
    long KeyValueBytes)
{
    public long HeapDelta => HeapAfter - HeapBefore;

    public long RssDelta => RssAfter - RssBefore;

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"{Scenario}: {Units:N0} {Unit} in {LoadSeconds:F1} s; heap +{HeapDelta / 1048576.0:F1} MiB, RSS +{RssDelta / 1048576.0:F1} MiB; {ResidentKeys:N0} keys cached, {Activations:N0} activations");
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Measurement))]
internal sealed partial class MemoryJson : System.Text.Json.Serialization.JsonSerializerContext;

internal static class Scenarios
{
    public static readonly string[] Names = ["baseline", "one-namespace", "one-namespace-all-cached", "namespaces-one-key", "namespaces-empty", "trivial-grains"];

    public static async Task<Measurement> RunAsync(string scenario, int keys, int namespaces, string work)
    {
        var dataDir = Path.Combine(work, "memory-" + scenario + "-" + Environment.ProcessId);
        Directory.CreateDirectory(dataDir);
        var settings = new Dictionary<string, string?>
        {
            ["HTTP_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["ENABLE_GRPC"] = "false",
            ["DATA_DIR"] = dataDir,
            ["DURABILITY"] = "relaxed",
            ["LOG_LEVEL"] = "Warning",
        };
        if (scenario == "one-namespace-all-cached")
        {
            settings["Namespaces:CacheMaxEntries"] = keys.ToString(CultureInfo.InvariantCulture);
            settings["Namespaces:CacheMaxBytes"] = (16L * 1024 * 1024 * 1024).ToString(CultureInfo.InvariantCulture);
        }

        var app = ServerApp.Create([], builder => builder.Configuration.AddInMemoryCollection(settings));
        await app.StartAsync();
        try
        {
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            var management = grains.GetGrain<IManagementGrain>(0);
            var cacheMax = app.Services.GetRequiredService<IOptions<NamespaceGrainOptions>>().Value.CacheMaxEntries;

            // Warm every path once (JIT, pools, the store's statements) before the "before" snapshot.
            var warm = grains.GetGrain<INamespaceGrain>("warm-up");
            await warm.SetAsync(new SetCommand("k", Value(-1)));
            await warm.GetAsync("k");
            var (heapBefore, rssBefore) = Snapshot();
            var stopwatch = Stopwatch.StartNew();
            long units = 0;
            long resident = 0;
            long keyValueBytes = 0;
            string description;
            string unit;
            switch (scenario)
            {
                case "baseline":
                    description = "the server started, one namespace with one key (what every other row is measured from)";
                    unit = "keys";
                    break;
                case "one-namespace":
                case "one-namespace-all-cached":
                    description = scenario == "one-namespace"
                        ? $"{keys:N0} keys of 64 bytes in one namespace, default cache (at most {cacheMax:N0} entries resident in the grain)"
                        : $"{keys:N0} keys of 64 bytes in one namespace, cache raised to {cacheMax:N0} entries (every key resident)";
                    unit = "keys";
                    units = keys;
                    var held = await LoadOneNamespaceAsync(grains, keys);
                    resident = Math.Min(keys, cacheMax);
                    keyValueBytes = resident == keys ? held : -1;
                    break;
                case "namespaces-one-key":
                    description = $"{namespaces:N0} namespaces with one 64-byte key each (one activation each, its key cached)";
                    unit = "activations";
                    units = namespaces;
                    await ForEachNamespaceAsync(namespaces, (ns, i) => grains.GetGrain<INamespaceGrain>(ns).SetAsync(new SetCommand(Key(i), Value(i))).AsTask());
                    resident = namespaces;
                    keyValueBytes = Enumerable.Range(0, namespaces).Sum(i => KeyValueSize(Key(i)));
                    break;
                case "namespaces-empty":
                    description = $"{namespaces:N0} namespaces activated by a read of a missing key (one activation each, no data)";
                    unit = "activations";
                    units = namespaces;
                    await ForEachNamespaceAsync(namespaces, (ns, i) => grains.GetGrain<INamespaceGrain>(ns).GetAsync("key").AsTask());
                    break;
                case "trivial-grains":
                    description = $"{namespaces:N0} activations of a near-trivial grain (the token revocation hub: one empty observer list), Orleans' own floor";
                    unit = "activations";
                    units = namespaces;
                    await ForEachNamespaceAsync(namespaces, (ns, i) => grains.GetGrain<ITokenRevocationHub>(ns).PublishAsync("x"));
                    break;
                default:
                    throw new ArgumentException($"unknown scenario '{scenario}'");
            }

            var loadSeconds = stopwatch.Elapsed.TotalSeconds;
            var (heapAfter, rssAfter) = Snapshot();
            GC.KeepAlive(grains);
            return new Measurement(scenario, description, units, unit, resident, await management.GetTotalActivationCount(), heapBefore, heapAfter, rssBefore, rssAfter, loadSeconds, keyValueBytes);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>Loads the keys in batches; returns the managed bytes of their key strings and value arrays.</summary>
    private static async Task<long> LoadOneNamespaceAsync(IGrainFactory grains, int keys)
    {
        const int BatchSize = 1000;
        var grain = grains.GetGrain<INamespaceGrain>("one-namespace");
        var next = -1;
        long held = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            int batch;
            while ((batch = Interlocked.Increment(ref next)) * BatchSize < keys)
            {
                var ops = new List<BatchOperation>(BatchSize);
                for (var i = batch * BatchSize; i < Math.Min(keys, (batch + 1) * BatchSize); i++)
                {
                    var key = "bench:" + i.ToString(CultureInfo.InvariantCulture);
                    ops.Add(new BatchOperation(BatchOpKind.Put, key, Value(i)));
                    Interlocked.Add(ref held, KeyValueSize(key));
                }

                var result = await grain.BatchAsync(ops);
                if (!result.Applied)
                {
                    throw new InvalidOperationException("a load batch was not applied");
                }
            }
        }));
        return held;
    }

    private static async Task ForEachNamespaceAsync(int count, Func<string, int, Task> call)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 256).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await call("ns-" + i.ToString(CultureInfo.InvariantCulture), i);
            }
        }));
    }

    private const int ValueBytes = 64;

    /// <summary>The key of namespace <paramref name="i"/>'s one key: a string of its own, as a request would bring.</summary>
    private static string Key(int i) => "key:" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>A 64-byte value of its own (its own array and content, as a request would bring), distinct per index.</summary>
    private static byte[] Value(int i)
    {
        var value = new byte[ValueBytes];
        value.AsSpan().Fill((byte)'v');
        Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture), value);
        return value;
    }

    /// <summary>
    /// The managed size on x64 of a key's string and of one value's array, which the cache keeps by reference (neither
    /// is copied on the way in): a string is 22 + 2 × length bytes (header, method table, length, the characters and a
    /// terminator), a byte[] 24 + length bytes, each rounded up to 8.
    /// </summary>
    private static long KeyValueSize(string key) => Align8(22 + (2L * key.Length)) + Align8(24 + ValueBytes);

    private static long Align8(long bytes) => (bytes + 7) & ~7L;

    private static (long Heap, long Rss) Snapshot()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        Thread.Sleep(200);
        return (GC.GetTotalMemory(forceFullCollection: true), Rss());
    }

    private static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return Environment.WorkingSet;
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
    public static string Render(List<Measurement> results, int keys, int namespaces)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"# OrleansKv memory — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine();
        sb.AppendLine(inv, $"Command: `bench/run.sh --memory` ({Environment.ProcessorCount} cores, .NET {Environment.Version}, workstation GC, DURABILITY=relaxed).");
        sb.AppendLine("Each row is a fresh process running the whole server in process (embedded store), loaded through the grain factory;");
        sb.AppendLine("\"before\" is after start-up and one warm-up write, \"after\" is after loading; both after forced compacting full GCs.");
        sb.AppendLine("Managed heap is `GC.GetTotalMemory(true)`; RSS is VmRSS (it also holds SQLite's page caches and the runtime's own memory).");
        sb.AppendLine();
        sb.AppendLine("| scenario | load time | keys cached | activations | heap before → after | RSS before → after | heap per unit | RSS per unit | heap per resident key | heap per resident key beyond key and value |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var perUnit = r.Units > 0 ? $"{(double)r.HeapDelta / r.Units:N0} B/{Singular(r.Unit)}" : "–";
            var rssPerUnit = r.Units > 0 ? $"{(double)r.RssDelta / r.Units:N0} B/{Singular(r.Unit)}" : "–";
            var perResident = r.ResidentKeys > 0 ? $"{(double)r.HeapDelta / r.ResidentKeys:N0} B" : "–";
            var beyond = r.ResidentKeys > 0 && r.KeyValueBytes > 0 ? $"{(double)(r.HeapDelta - r.KeyValueBytes) / r.ResidentKeys:N0} B" : "–";
            sb.AppendLine(inv, $"| {r.Description} | {r.LoadSeconds:F1} s | {r.ResidentKeys:N0} | {r.Activations:N0} | {Mib(r.HeapBefore)} → {Mib(r.HeapAfter)} | {Mib(r.RssBefore)} → {Mib(r.RssAfter)} | {perUnit} | {rssPerUnit} | {perResident} | {beyond} |");
        }

        sb.AppendLine();
        sb.AppendLine("How to read it: with the default cache a namespace keeps at most 10,000 entries resident, so for 1M keys the heap per key");
        sb.AppendLine("is the bounded cache spread over all keys, and \"heap per resident key\" divides by what the grain really holds;");
        sb.AppendLine("the all-cached row is the true cost of a resident key. For namespaces, \"per unit\" is per activation (grain, its");
        sb.AppendLine("mailbox, cache, directory and locator entries, plus its one cached key in the one-key row).");
        sb.AppendLine();
        sb.AppendLine("\"Beyond key and value\" subtracts, from the heap growth, the exact managed size of every resident key's string and value");
        sb.AppendLine("array (x64: a string is 22 + 2 × length bytes, a byte[] 24 + length, each rounded up to 8), summed over the keys actually");
        sb.AppendLine("loaded (\"bench:0\" … for one namespace, \"key:0\" … for the namespaces, one per namespace); the grain keeps the caller's key");
        sb.AppendLine("string and value array by reference (in-process calls pass `[Immutable]` messages without copying), so what is left is the");
        sb.AppendLine("cache's own bookkeeping per key (and, in the one-key row, the activation too). Every key has a 64-byte value of its own");
        sb.AppendLine("(its own array and its own content, so a content reference count per key), as requests from clients bring.");
        sb.AppendLine("With the default cache only the most recent keys stay resident, so that row has no such figure.");
        sb.AppendLine("The last row activates a grain of ours that holds next to nothing, so its per-activation figure is what Orleans itself");
        sb.AppendLine("costs per activation (activation data, mailbox, directory and catalog entries, the grain id): the floor under the namespace rows.");
        return sb.ToString();
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB");

    private static string Singular(string unit) => unit.TrimEnd('s');
}
