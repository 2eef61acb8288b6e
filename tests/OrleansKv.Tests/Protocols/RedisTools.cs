using System.Diagnostics;

namespace OrleansKv.Tests.Protocols;

/// <summary>Runs Redis' own command-line tools (Debian redis-tools) against the server.</summary>
internal static class RedisTools
{
    public sealed record Run(int ExitCode, string Output, string Error);

    /// <summary>Runs <paramref name="tool"/> with <paramref name="arguments"/>, feeding <paramref name="input"/>, within a time limit.</summary>
    public static async Task<Run> RunAsync(string tool, IEnumerable<string> arguments, string? input = null, TimeSpan? limit = null)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', start.ArgumentList)} did not finish in time.");
        }

        return new Run(process.ExitCode, await output, await error);
    }

    /// <summary>redis-cli against the RESP port with a token; <paramref name="resp3"/> adds -3.</summary>
    public static Task<Run> CliAsync(TcpServerFixture server, bool resp3, string? token, params string[] command)
    {
        List<string> arguments = ["-h", "127.0.0.1", "-p", server.RespPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-auth-warning"];
        if (resp3)
        {
            arguments.Add("-3");
        }

        if (token is not null)
        {
            arguments.AddRange(["-a", token]);
        }

        arguments.AddRange(command);
        return RunAsync("redis-cli", arguments);
    }
}
