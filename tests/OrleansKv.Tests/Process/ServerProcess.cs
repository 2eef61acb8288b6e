using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.ProcessTests;

/// <summary>
/// The real server binary (<c>dotnet OrleansKv.Server.dll</c>) as a child process on free loopback ports, with a
/// data directory that outlives restarts. Start-up waits for <c>/readyz</c> (bounded); stdout and stderr are
/// captured for failure messages and assertions. <see cref="StopAsync"/> sends SIGTERM, <see cref="Kill"/>
/// SIGKILL, and <see cref="RestartAsync"/> starts the binary again on the same data directory.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    public const string AdminToken = "process-admin-token-0123456789";

    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigCont = 18;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Settings the server reads; cleared from the inherited environment so the host's own never leak in.</summary>
    private static readonly string[] ServerSettings =
    [
        "HTTP_PORT", "GRPC_PORT", "ENABLE_HTTP", "ENABLE_GRPC", "BIND_ADDRESS", "REDIS_URL", "REDIS_WAIT_REPLICAS", "DATA_DIR", "DURABILITY", "SILO_PORT",
        "ADVERTISED_HOST", "CLUSTER_ID", "TOKEN", "ADMIN_TOKEN", "JWT_SIGNING_KEY", "JWT_PUBLIC_KEY_FILE", "JWT_ISSUER", "JWT_AUDIENCE",
        "MAX_VALUE_BYTES", "LOG_LEVEL", "MEMBERSHIP_PROBE_TIMEOUT_MS", "MEMBERSHIP_MAX_PROBE_TIMEOUT_MS",
        "MEMBERSHIP_MISSED_PROBES_LIMIT", "OWNERSHIP_LEASE_MS", "TTL_REMINDER_PERIOD_SECONDS", "DIRECTORY_ENTRY_EXPIRY_MINUTES", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS",
    ];

    private readonly Dictionary<string, string> _environment;
    private readonly TempDirectory? _ownedData;
    private readonly Lock _outputLock = new();
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private System.Diagnostics.Process? _process;
    private int _runs;

    private ServerProcess(IReadOnlyDictionary<string, string> environment, string? dataDirectory)
    {
        if (dataDirectory is null)
        {
            _ownedData = new TempDirectory();
            dataDirectory = _ownedData.Path;
        }

        DataDirectory = dataDirectory;
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["BIND_ADDRESS"] = "127.0.0.1",
            ["DATA_DIR"] = dataDirectory,
            ["ADMIN_TOKEN"] = AdminToken,
            ["LOG_LEVEL"] = "Information",
        };
        foreach (var (name, value) in environment)
        {
            _environment[name] = value;
        }
    }

    public string DataDirectory { get; }

    public int HttpPort { get; private set; }

    public int GrpcPort { get; private set; }

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>The process id of the current run.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("Not started.");

    public bool HasExited => _process?.HasExited ?? true;

    /// <summary>stdout and stderr of every run so far, interleaved, with a marker line per run.</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    public string StandardOutput
    {
        get
        {
            lock (_outputLock)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_outputLock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts the server and waits until <c>/readyz</c> answers 200.</summary>
    /// <param name="environment">Settings on top of the defaults (loopback, a temp DATA_DIR, an ADMIN_TOKEN).</param>
    /// <param name="dataDirectory">An existing data directory to use (not deleted on dispose); default: a fresh temp one.</param>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string>? environment = null, string? dataDirectory = null)
    {
        var server = new ServerProcess(environment ?? new Dictionary<string, string>(), dataDirectory);
        try
        {
            await server.RestartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs the server with <paramref name="environment"/> until it exits on its own (bad configuration).</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunToExitAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        await using var server = new ServerProcess(environment, null);
        server.Launch(FreePort(), FreePort());
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await server._process!.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            server.Kill();
            throw new TimeoutException($"The server did not exit within {timeout.TotalSeconds} s.\n{server.Output}");
        }

        server._process.WaitForExit();
        return (server._process.ExitCode, server.StandardOutput, server.StandardError);
    }

    /// <summary>Starts the server (again) on the same data directory, on fresh ports, and waits until it is ready.</summary>
    public async Task RestartAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The server is still running; stop or kill it first.");
        }

        // A port picked free can be taken by someone else before the server binds it; then it exits with 3.
        for (var attempt = 1; ; attempt++)
        {
            Launch(FreePort(), FreePort());
            var exited = await WaitUntilReadyAsync();
            if (!exited)
            {
                return;
            }

            if (_process!.ExitCode != 3 || attempt == 3)
            {
                throw new InvalidOperationException($"The server exited with {_process.ExitCode} during start-up.\n{Output}");
            }
        }
    }

    /// <summary>Sends SIGTERM without waiting.</summary>
    public void SendSigterm() => Signal(SigTerm, "SIGTERM");

    /// <summary>Freezes the process (SIGSTOP): it neither answers nor notices time passing until <see cref="Resume"/>.</summary>
    public void Pause() => Signal(SigStop, "SIGSTOP");

    /// <summary>Lets a paused process run again (SIGCONT).</summary>
    public void Resume() => Signal(SigCont, "SIGCONT");

    private void Signal(int signal, string name)
    {
        if (NativeMethods.Kill(ProcessId, signal) != 0)
        {
            throw new InvalidOperationException($"kill({name}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>SIGTERM, then waits for the exit; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        SendSigterm();
        return await WaitForExitAsync(StopTimeout);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var process = _process ?? throw new InvalidOperationException("Not started.");
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"The server did not exit within {timeout.TotalSeconds} s.\n{Output}");
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>SIGKILL (what <see cref="System.Diagnostics.Process.Kill()"/> sends on Linux), and waits for the exit.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>A client for this server that sends <paramref name="token"/> as its bearer credential.</summary>
    public HttpClient CreateClient(string? token = null, int maxConnections = 64)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        _ownedData?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A port that was free on loopback a moment ago (bound to port 0, then released).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Launch(int httpPort, int grpcPort)
    {
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDirectory,
        };
        info.ArgumentList.Add(ServerDll());
        foreach (var name in ServerSettings)
        {
            info.Environment.Remove(name);
        }

        info.Environment["HTTP_PORT"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["GRPC_PORT"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["DOTNET_NOLOGO"] = "1";

        // No diagnostic IPC pipes in the temp directory: a SIGKILLed process would leave them behind.
        info.Environment["DOTNET_EnableDiagnostics"] = "0";
        foreach (var (name, value) in _environment)
        {
            info.Environment[name] = value;
        }

        var process = new System.Diagnostics.Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data, _stdout, "out");
        process.ErrorDataReceived += (_, e) => Append(e.Data, _stderr, "err");
        _runs++;
        lock (_outputLock)
        {
            _output.Append(System.Globalization.CultureInfo.InvariantCulture, $"--- run {_runs}: http={httpPort} grpc={grpcPort} data={DataDirectory} ---\n");
        }

        _process?.Dispose();
        _process = process;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Polls <c>/readyz</c> until 200; returns true when the process exited instead.</summary>
    private async Task<bool> WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process!.HasExited)
            {
                _process.WaitForExit();
                return true;
            }

            try
            {
                using var response = await client.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return false;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(50);
        }

        Kill();
        throw new TimeoutException($"The server was not ready within {StartTimeout.TotalSeconds} s.\n{Output}");
    }

    private void Append(string? line, StringBuilder stream, string tag)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            stream.Append(line).Append('\n');
            _output.Append(tag).Append(": ").Append(line).Append('\n');
        }
    }

    /// <summary>The dotnet host running these tests (the CLI sets DOTNET_HOST_PATH), else <c>dotnet</c> on the PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// The server's own build output for the configuration and framework of this test assembly
    /// (<c>src/OrleansKv.Server/bin/Debug/net10.0</c>), else the copy next to the tests.
    /// </summary>
    private static string ServerDll()
    {
        if (Environment.GetEnvironmentVariable("ORLEANSKV_SERVER_DLL") is { Length: > 0 } configured)
        {
            return configured;
        }

        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent?.Name ?? "Debug";
        for (var dir = output; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "OrleansKv.Server", "bin", configuration, framework, "OrleansKv.Server.dll");
            if (File.Exists(Path.Combine(dir.FullName, "OrleansKv.sln")) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        var local = Path.Combine(output.FullName, "OrleansKv.Server.dll");
        return File.Exists(local) && File.Exists(Path.Combine(output.FullName, "OrleansKv.Server.runtimeconfig.json"))
            ? local
            : throw new FileNotFoundException("OrleansKv.Server.dll not found; build src/OrleansKv.Server or set ORLEANSKV_SERVER_DLL.");
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Kill(int pid, int signal);
    }
}
