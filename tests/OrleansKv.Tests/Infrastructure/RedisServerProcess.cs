using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansKv.Tests.Infrastructure;

/// <summary>
/// A real redis-server child process on a free loopback port, for tests. With <c>persistent</c> it keeps an
/// append-only file fsynced on every write in its own directory, so a restart loses nothing acknowledged.
/// Further redis-server arguments (cluster mode, for instance) come after the defaults.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orleans-kv-redis", Guid.NewGuid().ToString("N"));
    private readonly bool _persistent;
    private IReadOnlyList<string> _arguments;
    private Process? _process;

    private RedisServerProcess(int port, bool persistent, IReadOnlyList<string> arguments)
    {
        Directory.CreateDirectory(_directory);
        Port = port;
        _persistent = persistent;
        _arguments = arguments;
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=5000";

    public static async Task<RedisServerProcess> StartAsync(bool persistent = false, IReadOnlyList<string>? arguments = null)
    {
        var clusterNode = arguments?.Contains("--cluster-enabled") == true;
        var server = new RedisServerProcess(clusterNode ? FreeClusterNodePort() : FreePort(), persistent, arguments ?? []);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Kills the server (SIGKILL) and starts it again on the same port and directory, with
    /// <paramref name="arguments"/> instead of its first ones when given (to start it as a replica, say).</summary>
    public async Task RestartAsync(TimeSpan downtime = default, IReadOnlyList<string>? arguments = null)
    {
        Kill();
        _arguments = arguments ?? _arguments;
        if (downtime > TimeSpan.Zero)
        {
            await Task.Delay(downtime);
        }

        await StartProcessAsync();
    }

    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A port for a Redis Cluster node: the node also listens on its port + 10000 (the cluster bus), so both must be
    /// free, and the port at most 55535. An ephemeral port is above that about one time in five, and a node given one
    /// exits at start.
    /// </summary>
    public static int FreeClusterNodePort()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = FreePort();
            if (port <= 55535 && IsFree(port + 10000))
            {
                return port;
            }
        }

        throw new InvalidOperationException("No free port pair (port, port + 10000) for a Redis Cluster node.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task StartProcessAsync()
    {
        var args = new List<string>
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", _directory,
            "--save", string.Empty,
            "--daemonize", "no",
            "--protected-mode", "no",
        };
        args.AddRange(_persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]);
        args.AddRange(_arguments);
        var start = new ProcessStartInfo(FindRedisServer()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (await PingAsync())
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new InvalidOperationException($"redis-server did not answer PING on port {Port}.");
    }

    /// <summary>Sends one inline command and returns the start of the raw reply, or null when the server is not reachable.</summary>
    public async Task<string?> TrySendAsync(string command)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
            var buffer = new byte[4096];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Up when it answers PING, or refuses it for want of a password (<c>--requirepass</c>).</summary>
    private async Task<bool> PingAsync() => (await TrySendAsync("PING")) is { } reply
        && (reply.StartsWith("+PONG", StringComparison.Ordinal) || reply.StartsWith("-NOAUTH", StringComparison.Ordinal));

    private static string FindRedisServer()
    {
        foreach (var candidate in new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return "redis-server";
    }
}
