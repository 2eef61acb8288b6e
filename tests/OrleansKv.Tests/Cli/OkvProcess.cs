using System.Diagnostics;
using OrleansKv.Tests.Deployment;

namespace OrleansKv.Tests.Cli;

/// <summary>Runs the built okv tool as its own process: one-shot, or its shell under a pseudo-terminal.</summary>
internal static class OkvProcess
{
    public sealed record Run(int ExitCode, string Output, string Error);

    /// <summary>The built okv.dll of the same configuration as the tests.</summary>
    public static string Dll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            return Path.Combine(RepositoryRoot.Path, "src", "OrleansKv.Cli", "bin", configuration, "net10.0", "okv.dll");
        }
    }

    public static async Task<Run> RunAsync(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? input = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("OKV_TOKEN");
        start.Environment.Remove("OKV_ADDRESS");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, await output, await error);
    }

    /// <summary>
    /// Runs okv's shell under a pseudo-terminal (Python's pty module), typing each of <paramref name="keystrokes"/>
    /// once the prompt is back; returns everything the terminal showed and the exit code.
    /// </summary>
    public static async Task<Run> ShellAsync(IReadOnlyList<string> arguments, IReadOnlyList<string> keystrokes)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Cli", "pty_drive.py");
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(System.Text.Json.JsonSerializer.Serialize(keystrokes));
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, await output, await error);
    }
}
