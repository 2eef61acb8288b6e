using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OrleansKv.Tests.Linearizability;

/// <summary>How a recorded scenario runs.</summary>
/// <param name="BaseAddresses">The servers (silos) to talk to; client i starts at address i modulo their number and
/// moves to the next one when a server stops answering.</param>
/// <param name="Token">The bearer token: every client works in its namespace.</param>
/// <param name="Keys">The keys the clients share.</param>
internal sealed record ScenarioOptions(IReadOnlyList<Uri> BaseAddresses, string Token, IReadOnlyList<string> Keys)
{
    public int Clients { get; init; } = 6;

    /// <summary>The load runs at least this long...</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>...and until this many operations are recorded (but at most three times <see cref="Duration"/>).</summary>
    public int MinOperations { get; init; } = 3_000;

    /// <summary>A request not answered by then is an unknown outcome.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Called once, half-way through <see cref="Duration"/>, while the load goes on (kill a silo, pause Redis...).</summary>
    public Func<CancellationToken, Task>? FaultAtMidRun { get; init; }

    /// <summary>Lets the fault steer the load while it runs.</summary>
    public ScenarioControl Control { get; init; } = new();

    /// <summary>The load goes on at least this long after the fault returns, so what follows it is recorded too.</summary>
    public TimeSpan AfterFault { get; init; } = TimeSpan.FromSeconds(3);

    public int Seed { get; init; } = Environment.TickCount;

    /// <summary>
    /// Servers each watched by one more client that only reads, and never moves to another server: the witness of a
    /// server that wakes up (SIGCONT) and might answer from what it remembers.
    /// </summary>
    public IReadOnlyList<Uri> PinnedReaders { get; init; } = [];
}

/// <summary>Switches a fault can flip while the load runs.</summary>
internal sealed class ScenarioControl
{
    private volatile bool _readOnly;

    /// <summary>While set, the clients only read (the owning silo then has no write in flight, so nothing but its
    /// ownership lease keeps it from answering from memory after a pause).</summary>
    public bool ReadOnly
    {
        get => _readOnly;
        set => _readOnly = value;
    }
}

/// <summary>A recorded history, the checker's verdict on it, and what the load did.</summary>
internal sealed record ScenarioResult(IReadOnlyList<Operation> History, HistoryVerdict Verdict, IReadOnlyList<string> Unexpected, TimeSpan Elapsed)
{
    /// <summary>Operation counts per request and per outcome, then the verdict per key.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{History.Count} operations in {Elapsed.TotalSeconds:F1} s\n");
        text.Append("per request: ").AppendJoin(", ", History.GroupBy(o => $"{o.Kind}({o.Route})").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}")).Append('\n');
        text.Append("per outcome: ").AppendJoin(", ", History.GroupBy(o => $"{o.Outcome.Kind} {o.Outcome.Status}").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}")).Append('\n');
        var unknown = History.Where(o => o.IsUnknown).GroupBy(o => o.Outcome.Detail ?? "?").OrderByDescending(g => g.Count()).Take(5).ToList();
        if (unknown.Count > 0)
        {
            text.Append("unknown outcomes: ").AppendJoin(", ", unknown.Select(g => $"{g.Key}={g.Count()}")).Append('\n');
        }

        text.Append(Verdict);
        return text.ToString();
    }
}

/// <summary>
/// Drives concurrent recording clients against one or more servers, then checks the history per key. Each client
/// loops: pick a random key and a random request, reads and plain writes over /v1 or the root routes, conditional
/// writes and deletes with the ETag it last saw for that key (If-None-Match: * when it last saw the key absent).
/// Every write writes a value unique in the history.
/// </summary>
internal static class LinearizabilityScenario
{
    public static async Task<ScenarioResult> RunAsync(ScenarioOptions options)
    {
        var recorder = new HistoryRecorder();
        var clients = Enumerable.Range(0, options.Clients)
            .Select(i => new RecordingKvClient(i, options.BaseAddresses, options.Token, recorder, options.RequestTimeout))
            .ToList();
        var readers = options.PinnedReaders
            .Select((address, i) => new RecordingKvClient(options.Clients + i, [address], options.Token, recorder, options.RequestTimeout))
            .ToList();
        try
        {
            var clock = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource();
            var loops = clients.Select(c => Task.Run(() => LoopAsync(c, options, new Random(options.Seed + c.Id), stop.Token))).ToList();
            var reading = readers.Select(r => Task.Run(() => ReadLoopAsync(r, options, new Random(options.Seed + r.Id), stop.Token))).ToList();
            var until = options.Duration;
            if (options.FaultAtMidRun is { } fault)
            {
                await Task.WhenAny(Task.Delay(options.Duration / 2), Task.WhenAll(loops));
                await fault(stop.Token);
                until = clock.Elapsed + options.AfterFault > until ? clock.Elapsed + options.AfterFault : until;
            }

            // Run for the duration and the operation count, whichever comes last, within a hard limit.
            while ((clock.Elapsed < until || recorder.Count < options.MinOperations) && clock.Elapsed < until * 3 && !loops.Any(l => l.IsCompleted))
            {
                await Task.WhenAny(Task.Delay(TimeSpan.FromMilliseconds(100)), Task.WhenAny(loops));
            }

            await stop.CancelAsync();
            await Task.WhenAll(loops.Concat(reading));
            var history = recorder.Snapshot();
            var elapsed = clock.Elapsed;
            var verdict = LinearizabilityChecker.Check(history);
            return new ScenarioResult(history, verdict, [.. clients.Concat(readers).SelectMany(c => c.Unexpected)], elapsed);
        }
        finally
        {
            foreach (var client in clients.Concat(readers))
            {
                client.Dispose();
            }
        }
    }

    private static async Task LoopAsync(RecordingKvClient client, ScenarioOptions options, Random random, CancellationToken stop)
    {
        // What this client last saw of each key: the ETag of the current version, or that the key was absent.
        var etags = new Dictionary<string, string?>(StringComparer.Ordinal);
        var absent = new HashSet<string>(StringComparer.Ordinal);
        for (var seq = 0; !stop.IsCancellationRequested; seq++)
        {
            var key = options.Keys[random.Next(options.Keys.Count)];
            var value = string.Create(CultureInfo.InvariantCulture, $"c{client.Id}-{seq}");
            var etag = etags.GetValueOrDefault(key);
            var op = options.Control.ReadOnly ? await client.GetAsync(key) : random.Next(100) switch
            {
                < 20 => await client.GetAsync(key),
                < 30 => await client.GetRootAsync(key),
                < 45 => await client.PutAsync(key, value, OpKind.Put),
                < 55 => await client.PostRootAsync(key, value),
                < 80 when etag is not null => await client.PutAsync(key, value, OpKind.PutIfMatch, etag),
                < 80 when absent.Contains(key) => await client.PutAsync(key, value, OpKind.PutIfNoneMatch),
                < 80 => await client.GetAsync(key),
                < 88 => await client.DeleteAsync(key),
                < 92 => await client.DeleteRootAsync(key),
                _ when etag is not null => await client.DeleteAsync(key, etag),
                _ => await client.DeleteAsync(key),
            };
            Learn(op, etags, absent);
        }
    }

    private static async Task ReadLoopAsync(RecordingKvClient reader, ScenarioOptions options, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await reader.GetAsync(options.Keys[random.Next(options.Keys.Count)]);
        }
    }

    private static void Learn(Operation op, Dictionary<string, string?> etags, HashSet<string> absent)
    {
        var outcome = op.Outcome;
        if (outcome.Kind != OutcomeKind.Ok)
        {
            return;
        }

        if (op.Kind == OpKind.Read && outcome.Value is null || op.Kind is OpKind.Delete or OpKind.DeleteIfMatch)
        {
            etags[op.Key] = null;
            absent.Add(op.Key);
        }
        else if (op.Kind != OpKind.Read || outcome.ETag is not null)
        {
            // A root POST or GET gives no ETag: the client no longer knows the current one.
            etags[op.Key] = outcome.ETag;
            absent.Remove(op.Key);
        }
    }
}
