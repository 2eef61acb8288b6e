using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace OrleansKv.Tests.ProcessTests;

/// <summary>
/// DESIGN guarantee 1 against the real binary: a write acknowledged over HTTP survives SIGKILL of the process
/// in the middle of a write load.
/// </summary>
public sealed class CrashRecoveryTests
{
    private const string Token = "crash-test-token";
    private const int Writers = 16;
    private const int KeysPerWriter = 25;
    private static readonly TimeSpan LoadFor = TimeSpan.FromSeconds(2);

    private readonly ITestOutputHelper _output;

    public CrashRecoveryTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task EveryAcknowledgedWriteSurvivesSigkillMidLoad()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["TOKEN"] = Token });
        var keys = new ConcurrentDictionary<string, KeyHistory>(StringComparer.Ordinal);
        long acknowledged = 0, failedAfterKill = 0, unexpected = 0;
        var killed = false;

        using (var client = server.CreateClient(Token, maxConnections: Writers))
        {
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                for (var seq = 1; !stop.IsCancellationRequested; seq++)
                {
                    var key = $"w{w:D2}/k{seq % KeysPerWriter:D2}";
                    var value = $"{w}:{seq}";
                    var history = keys.GetOrAdd(key, _ => new KeyHistory());
                    history.InFlight = value;
                    try
                    {
                        using var response = await client.PutAsync("/v1/kv/" + key, new StringContent(value), CancellationToken.None);
                        if (!response.IsSuccessStatusCode)
                        {
                            // Answers after the kill began are not acknowledgements; anything else is a failure.
                            Interlocked.Increment(ref Volatile.Read(ref killed) ? ref failedAfterKill : ref unexpected);
                            return;
                        }

                        history.Acknowledged = value;
                        history.InFlight = null;
                        Interlocked.Increment(ref acknowledged);
                    }
                    catch (HttpRequestException) when (Volatile.Read(ref killed))
                    {
                        Interlocked.Increment(ref failedAfterKill);
                        return;
                    }
                }
            })).ToList();

            // Let the load run, then kill the process under it.
            await Task.WhenAny(Task.Delay(LoadFor), Task.WhenAll(writers));
            Assert.False(writers.Any(w => w.IsFaulted), "a writer failed before the kill: " + string.Join("\n", writers.Where(w => w.IsFaulted).Select(w => w.Exception)));
            var beforeKill = Interlocked.Read(ref acknowledged);
            Volatile.Write(ref killed, true);
            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
            _output.WriteLine($"acknowledged before SIGKILL: {beforeKill}, total acknowledged: {acknowledged}, failed after SIGKILL: {failedAfterKill}");
        }

        Assert.Equal(0, unexpected);
        Assert.True(acknowledged > Writers, $"the load should have acknowledged more than {Writers} writes, not {acknowledged}");

        var restart = Stopwatch.StartNew();
        await server.RestartAsync();
        _output.WriteLine($"restart to ready: {restart.ElapsedMilliseconds} ms");

        using var reader = server.CreateClient(Token, maxConnections: 16);
        var lost = new ConcurrentBag<string>();
        var checkedKeys = 0;
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (pair, ct) =>
        {
            var (key, history) = pair;
            using var response = await reader.GetAsync("/v1/kv/" + key, ct);
            var stored = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync(ct) : null;
            Interlocked.Increment(ref checkedKeys);

            // The last acknowledged value, or the one write that was in flight when the process died.
            if (history.Acknowledged is { } acked && stored != acked && stored != history.InFlight)
            {
                lost.Add($"{key}: acknowledged '{acked}', in flight '{history.InFlight}', read back '{stored ?? "<absent>"}'");
            }
            else if (history.Acknowledged is null && stored is not null && stored != history.InFlight)
            {
                lost.Add($"{key}: never acknowledged, yet read back '{stored}'");
            }
        });

        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"keys checked after restart: {checkedKeys}, lost or wrong: {lost.Count}"));
        Assert.True(lost.IsEmpty, "acknowledged writes lost after SIGKILL:\n" + string.Join("\n", lost.Take(20)) + "\n" + server.Output[^Math.Min(server.Output.Length, 4000)..]);
    }

    [Fact]
    public async Task SigkillAtAnyPointLeavesNoOrphanContentAndNoDanglingReference()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["TOKEN"] = Token });
        string[] contents = ["same", new string('z', 3000), new string('y', 700), "other", new string('q', 20_000)];
        var acknowledged = 0;
        using (var client = server.CreateClient(Token, maxConnections: Writers))
        {
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                var random = new Random(w);
                while (!stop.IsCancellationRequested)
                {
                    var key = $"shared/k{random.Next(30)}";
                    try
                    {
                        using var response = random.Next(4) == 0
                            ? await client.DeleteAsync("/v1/kv/" + key, CancellationToken.None)
                            : await client.PutAsync("/v1/kv/" + key, new StringContent(contents[random.Next(contents.Length)]), CancellationToken.None);
                        Interlocked.Increment(ref acknowledged);
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }
                }
            })).ToList();

            await Task.Delay(LoadFor);
            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        await server.RestartAsync();
        Assert.True(acknowledged > Writers, $"only {acknowledged} writes were answered before the kill");
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "orleans-kv.db")};Mode=ReadOnly");
        connection.Open();
        var problems = Grains.ContentReferenceTests.Check(connection);
        _output.WriteLine($"{acknowledged} writes answered before SIGKILL; integrity after restart: {(problems.Length == 0 ? "ok" : problems)}");
        Assert.Equal(string.Empty, problems);
    }

    /// <summary>Per key (each written by one writer, one write at a time): the last acknowledged value and the write in flight.</summary>
    private sealed class KeyHistory
    {
        public volatile string? Acknowledged;
        public volatile string? InFlight;
    }
}
