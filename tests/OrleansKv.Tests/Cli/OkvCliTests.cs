using System.Globalization;
using OrleansKv.Tests.Protocols;

namespace OrleansKv.Tests.Cli;

/// <summary>The okv tool against the real server over gRPC: one-shot subcommands with exit codes, and the shell.</summary>
[Collection(TcpServerCollection.Name)]
public sealed class OkvCliTests(TcpServerFixture server)
{
    private string Address => "http://127.0.0.1:" + server.Server.GrpcPort.ToString(CultureInfo.InvariantCulture);

    private Task<OkvProcess.Run> OkvAsync(params string[] args) => OkvProcess.RunAsync(["--address", Address, "--token", server.Token, .. args]);

    private static string Key() => "okv-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task OneShotSubcommandsWorkWithExitCodesForScripts()
    {
        var key = Key();
        var set = await OkvAsync("set", key, "hello there", "--ttl", "60");
        Assert.Equal(0, set.ExitCode);
        Assert.StartsWith("OK \"", set.Output);
        var etag = set.Output.Trim()[3..];

        var get = await OkvAsync("get", key);
        Assert.Equal((0, "hello there"), (get.ExitCode, get.Output.Trim()));
        var ttl = await OkvAsync("ttl", key);
        Assert.InRange(int.Parse(ttl.Output.Trim(), CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal(key, (await OkvAsync("ls", key[..10])).Output.Split('\n').Single(l => l == key));

        var stale = await OkvAsync("cas", key, "\"1\"", "x");
        Assert.Equal(1, stale.ExitCode);
        Assert.Equal(0, (await OkvAsync("cas", key, etag, "swapped")).ExitCode);
        Assert.Equal("swapped", (await OkvAsync("get", key)).Output.Trim());

        Assert.Equal(0, (await OkvAsync("del", key)).ExitCode);
        var gone = await OkvAsync("get", key);
        Assert.Equal(1, gone.ExitCode);
        Assert.Equal($"error: not found: {key}", gone.Error.Trim());
    }

    [Fact]
    public async Task TokenComesFromTheEnvironmentAndBadOnesAreRefused()
    {
        var key = Key();
        var set = await OkvProcess.RunAsync(["--address", Address, "set", key, "v"], new Dictionary<string, string> { ["OKV_TOKEN"] = server.Token });
        Assert.Equal(0, set.ExitCode);
        var denied = await OkvProcess.RunAsync(["--address", Address, "--token", "no-such-token-123", "get", key]);
        Assert.Equal(3, denied.ExitCode);
        Assert.StartsWith("error: ", denied.Error);
        var readOnly = await OkvProcess.RunAsync(["--address", Address, "--token", server.ReadOnlyToken, "set", key, "w"]);
        Assert.Equal(3, readOnly.ExitCode);
        var usage = await OkvAsync("get");
        Assert.Equal(2, usage.ExitCode);
        var unreachable = await OkvProcess.RunAsync(["--address", "http://127.0.0.1:1", "--token", server.Token, "get", key]);
        Assert.Equal(4, unreachable.ExitCode);
    }

    [Fact]
    public async Task BatchFileRunsAtomically()
    {
        var (a, b) = (Key(), Key());
        var file = Path.Combine(Path.GetTempPath(), Key() + ".json");
        await File.WriteAllTextAsync(file, $$"""[{"op":"put","key":"{{a}}","value":"1"},{"op":"put","key":"{{b}}","value_base64":"Mg=="},{"op":"get","key":"{{a}}"}]""");
        try
        {
            var run = await OkvAsync("batch", file);
            Assert.Equal(0, run.ExitCode);
            Assert.Contains($"Ok {a} 1", run.Output, StringComparison.Ordinal);
            Assert.Equal("2", (await OkvAsync("get", b)).Output.Trim());
            await File.WriteAllTextAsync(file, "{\"not\": \"an array\"}");
            Assert.Equal(2, (await OkvAsync("batch", file)).ExitCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ShellRunsTheTextCommandsWithHistoryAndLineEditing()
    {
        var key = Key();
        var run = await OkvProcess.ShellAsync(
            ["--address", Address, "--token", server.Token],
            [
                "help\r",
                $"set {key} myvalue\r",
                $"get {key}\r",
                // The up arrow recalls the last line; a stray letter is typed and rubbed out again.
                "\u001b[A\r",
                $"get {key}X\u007f\r",
                $"ttl {key}\r",
                $"delete {key}\r",
                $"get {key}\r",
                "quit\r",
            ]);
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Output} {run.Error}");
        Assert.Contains("set <key> <value>", run.Output, StringComparison.Ordinal);
        Assert.Equal(3, CountOf(run.Output, "\nmyvalue"));
        Assert.Contains("\n-1", run.Output, StringComparison.Ordinal);
        Assert.Contains($"error: not found: {key}", run.Output, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
