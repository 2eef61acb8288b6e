using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Storage.Redis;

/// <summary>
/// A redis-server in cluster mode that owns all 16384 slots: a one-node Redis Cluster on loopback. Redis then
/// refuses multi-key commands and scripts whose declared keys span slots (CROSSSLOT), and the client routes by slot.
/// </summary>
public sealed class RedisClusterNodeFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private Process? _process;

    public int Port { get; } = OrleansKv.TestingHost.RedisServerProcess.FreePort();

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=5000";

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("/usr/bin/redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory.Path,
            "--save", string.Empty, "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no",
            "--cluster-enabled", "yes", "--cluster-announce-ip", "127.0.0.1",
            "--cluster-config-file", Path.Combine(_directory.Path, "nodes.conf"),
        })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        if (!await TestSilo.EventuallyAsync(async () => (await TryCommandAsync("PING"))?.StartsWith("+PONG", StringComparison.Ordinal) == true))
        {
            throw new InvalidOperationException($"redis-server (cluster mode) did not answer on port {Port}.");
        }

        var added = await TryCommandAsync("CLUSTER ADDSLOTSRANGE 0 16383");
        if (added?.StartsWith("+OK", StringComparison.Ordinal) != true)
        {
            throw new InvalidOperationException($"CLUSTER ADDSLOTSRANGE failed: {added}");
        }

        if (!await TestSilo.EventuallyAsync(async () => (await TryCommandAsync("CLUSTER INFO"))?.Contains("cluster_state:ok", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(20)))
        {
            throw new InvalidOperationException("The one-node cluster did not reach cluster_state:ok.");
        }
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Sends one inline command and returns the start of the raw reply, or null when the server is not reachable.</summary>
    private async Task<string?> TryCommandAsync(string command)
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
}
