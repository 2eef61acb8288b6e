using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace OrleansKv.Tests.Grpc;

/// <summary>
/// Black-box interop: Python's grpcio (an independent gRPC stack, C-core) calls our server.
/// Uses Debian's python3-grpcio through /usr/bin/python3; skipped only when that lacks grpc.
/// </summary>
public sealed class PythonGrpcInteropTests
{
    private static readonly TimeSpan SignalTimeout = TimeSpan.FromSeconds(30);

    [PythonGrpcFact]
    public async Task PythonGrpcioClientInteroperatesWithTheServer()
    {
        await using var server = await GrpcTestServer.StartAsync();
        var deadlineId = "py-deadline-" + Guid.NewGuid();
        var cancelId = "py-cancel-" + Guid.NewGuid();

        var (exitCode, stdout, stderr) = await PythonGrpc.RunAsync(
            PythonGrpc.ScriptPath(), server.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), deadlineId, cancelId);

        Assert.True(exitCode == 0, $"python exited with {exitCode}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        var results = json.RootElement;

        Assert.Equal("héllo from python", results.GetProperty("unary").GetString());
        Assert.Empty(Strings(results.GetProperty("stream_0")));
        Assert.Equal(["item-0"], Strings(results.GetProperty("stream_1")));
        Assert.Equal(["item-0", "item-1", "item-2", "item-3", "item-4"], Strings(results.GetProperty("stream_5")));

        var fail = results.GetProperty("fail");
        Assert.Equal("INVALID_ARGUMENT", fail.GetProperty("code").GetString());
        Assert.Equal("clé invalide ✓ 100%", fail.GetProperty("details").GetString());
        Assert.Equal("details", fail.GetProperty("trailers").GetProperty("x-error-info").GetString());
        Assert.Equal("010203", fail.GetProperty("trailers").GetProperty("x-error-bin").GetString());

        var streamFail = results.GetProperty("stream_fail");
        Assert.Equal("ABORTED", streamFail.GetProperty("code").GetString());
        Assert.Equal("stopped after 2", streamFail.GetProperty("details").GetString());
        Assert.Equal(["item-0", "item-1"], Strings(streamFail.GetProperty("received")));

        Assert.Equal("INTERNAL", results.GetProperty("throw").GetProperty("code").GetString());
        Assert.Equal("Exception was thrown by handler.", results.GetProperty("throw").GetProperty("details").GetString());
        Assert.Equal("UNIMPLEMENTED", results.GetProperty("unknown").GetProperty("code").GetString());

        Assert.Equal("RESOURCE_EXHAUSTED", results.GetProperty("oversize").GetProperty("code").GetString());
        Assert.Equal("INTERNAL", results.GetProperty("malformed").GetProperty("code").GetString());
        Assert.Equal("Failed to deserialize request message.", results.GetProperty("malformed").GetProperty("details").GetString());

        Assert.Equal("DEADLINE_EXCEEDED", results.GetProperty("deadline").GetProperty("code").GetString());
        // Whichever timer fired first (grpcio's own, which resets the stream, or ours), the handler stopped.
        Assert.Contains(await server.Service.Signal(deadlineId).Task.WaitAsync(SignalTimeout), new[] { "deadline", "aborted" });

        var metadata = results.GetProperty("metadata");
        Assert.Equal("auth=Bearer python;bin-equal=True", metadata.GetProperty("response").GetString());
        Assert.Equal("from python", metadata.GetProperty("headers").GetProperty("x-echo-text").GetString());
        Assert.Equal("0001feff", metadata.GetProperty("headers").GetProperty("x-echo-data-bin").GetString());
        Assert.Equal("done", metadata.GetProperty("trailers").GetProperty("x-trailer-text").GetString());
        Assert.Equal("09080700ff", metadata.GetProperty("trailers").GetProperty("x-trailer-bin").GetString());

        var cancel = results.GetProperty("cancel");
        Assert.Equal("first", cancel.GetProperty("first").GetString());
        Assert.Equal("CANCELLED", cancel.GetProperty("code").GetString());
        Assert.Equal("aborted", await server.Service.Signal(cancelId).Task.WaitAsync(SignalTimeout));
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString() ?? "<null>")];
}

/// <summary>A fact skipped, with the reason, when /usr/bin/python3 cannot import grpc.</summary>
public sealed class PythonGrpcFactAttribute : FactAttribute
{
    public PythonGrpcFactAttribute()
    {
        if (PythonGrpc.UnavailableReason.Value is { } reason)
        {
            Skip = reason;
        }
    }
}

internal static class PythonGrpc
{
    public const string Interpreter = "/usr/bin/python3";
    private const string ScriptName = "python_grpc_interop.py";

    public static readonly Lazy<string?> UnavailableReason = new(() =>
    {
        if (!File.Exists(Interpreter))
        {
            return $"{Interpreter} not found (CI installs python3-grpcio).";
        }

        try
        {
            var result = RunAsync("-c", "import grpc").GetAwaiter().GetResult();
            return result.ExitCode == 0 ? null : $"{Interpreter} cannot import grpc (apt-get install python3-grpcio): {result.Stderr.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"{Interpreter} cannot be started: {ex.Message}";
        }
    });

    /// <summary>The script: next to the test binaries if copied there, else in the source tree.</summary>
    public static string ScriptPath([CallerFilePath] string sourceFile = "")
    {
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, "Grpc", ScriptName) };
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.FullName, "tests", "OrleansKv.Tests", "Grpc", ScriptName));
        }

        candidates.Add(Path.Combine(Path.GetDirectoryName(sourceFile) ?? ".", ScriptName));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{ScriptName} not found; looked in: {string.Join(", ", candidates)}");
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PYTHONIOENCODING"] = "utf-8";
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("python did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
