using System.Diagnostics;
using System.Globalization;

namespace OrleansKv.Tests.Infrastructure;

/// <summary>
/// A primary, a replica and one Sentinel on loopback (free ports, temporary directories, killed on dispose): Sentinel
/// monitors the primary as <see cref="ServiceName"/> with quorum 1 and <c>down-after-milliseconds</c> 1000, so a dead
/// primary is replaced by its replica within seconds. Both data servers require <see cref="Password"/>; the Sentinel
/// does not.
/// </summary>
public sealed class RedisSentinelGroup : IAsyncDisposable
{
    public const string ServiceName = "mymaster";
    public const string Password = "sentinel-group-pw-5e1a";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orleans-kv-redis", "sentinel-" + Guid.NewGuid().ToString("N"));
    private readonly List<RedisServerProcess> _servers = [];
    private Process? _sentinel;

    private RedisSentinelGroup() => Directory.CreateDirectory(_directory);

    public int SentinelPort { get; } = RedisServerProcess.FreePort();

    /// <summary>The primary and the replica, in the order they started.</summary>
    public IReadOnlyList<RedisServerProcess> Servers => _servers;

    /// <summary>REDIS_URL for the silos: the Sentinel, the service name and the data servers' password.</summary>
    public string ConnectionString => $"127.0.0.1:{SentinelPort},serviceName={ServiceName},password={Password},connectTimeout=2000,syncTimeout=2000";

    public static async Task<RedisSentinelGroup> StartAsync()
    {
        var group = new RedisSentinelGroup();
        try
        {
            var primary = await RedisServerProcess.StartAsync(arguments: DataServerArguments(null));
            group._servers.Add(primary);
            group._servers.Add(await RedisServerProcess.StartAsync(arguments: DataServerArguments(primary.Port)));
            await WaitForReplicaLinkAsync(group._servers[1]);
            group.StartSentinel(primary.Port);
            if (!await TestSilo.EventuallyAsync(async () => await group.SentinelKnowsReplicaAsync(group._servers[1].Port), TimeSpan.FromSeconds(20)))
            {
                throw new InvalidOperationException("Sentinel did not discover the replica.");
            }

            return group;
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }
    }

    /// <summary>The port of the primary Sentinel names now, or null when it does not answer.</summary>
    public async Task<int?> PrimaryPortAsync()
    {
        var reply = await SendToSentinelAsync($"SENTINEL get-master-addr-by-name {ServiceName}");

        // An array of two bulk strings: host, port.
        var lines = reply?.Split("\r\n");
        return lines is { Length: >= 5 } && lines[0] == "*2" && int.TryParse(lines[4], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
    }

    /// <summary>Waits until Sentinel names a primary other than <paramref name="oldPort"/> and returns it.</summary>
    public async Task<RedisServerProcess> WaitForPromotionAsync(int oldPort, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await PrimaryPortAsync() is { } port && port != oldPort)
            {
                return _servers.Single(s => s.Port == port);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Sentinel promoted no replica within {timeout.TotalSeconds} s.");
    }

    /// <summary>Starts a killed server again, empty, as a replica of <paramref name="primary"/>, and waits until it is in
    /// sync and Sentinel counts it as a replica of the service again.</summary>
    public async Task RestartAsReplicaAsync(RedisServerProcess server, RedisServerProcess primary)
    {
        await server.RestartAsync(arguments: DataServerArguments(primary.Port));
        await WaitForReplicaLinkAsync(server);
        if (!await TestSilo.EventuallyAsync(async () => await SentinelKnowsReplicaAsync(server.Port), TimeSpan.FromSeconds(20)))
        {
            throw new InvalidOperationException($"Sentinel did not count the server on port {server.Port} as a replica again.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_sentinel is { HasExited: false })
        {
            _sentinel.Kill(entireProcessTree: true);
            await _sentinel.WaitForExitAsync();
        }

        _sentinel?.Dispose();
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // Redis 7 syncs a replica diskless and by default waits 5 s for more replicas before it starts the transfer;
    // with one replica, waiting only delays the resync the failover tests wait for.
    private static string[] DataServerArguments(int? primaryPort) => primaryPort is { } port
        ? ["--requirepass", Password, "--masterauth", Password, "--repl-diskless-sync-delay", "0", "--replicaof", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)]
        : ["--requirepass", Password, "--masterauth", Password, "--repl-diskless-sync-delay", "0"];

    private static async Task WaitForReplicaLinkAsync(RedisServerProcess replica)
    {
        var info = string.Empty;
        if (!await TestSilo.EventuallyAsync(
            async () => (info = await SendAuthenticatedAsync(replica, "INFO replication")).Contains("master_link_status:up", StringComparison.Ordinal),
            TimeSpan.FromSeconds(45)))
        {
            throw new InvalidOperationException($"The replica on port {replica.Port} did not sync with its primary within 45 s: {info.ReplaceLineEndings(" ")}");
        }
    }

    private static async Task<string> SendAuthenticatedAsync(RedisServerProcess server, string command)
    {
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(server.ConnectionString + $",password={Password},allowAdmin=true");
        var parts = command.Split(' ');
        return (await connection.GetServer(connection.GetEndPoints()[0]).ExecuteAsync(parts[0], parts[1..])).ToString();
    }

    private void StartSentinel(int primaryPort)
    {
        var config = Path.Combine(_directory, "sentinel.conf");
        File.WriteAllText(config, string.Join('\n',
            $"port {SentinelPort}",
            "bind 127.0.0.1",
            "daemonize no",
            "protected-mode no",
            $"dir {_directory}",
            $"sentinel monitor {ServiceName} 127.0.0.1 {primaryPort} 1",
            $"sentinel down-after-milliseconds {ServiceName} 1000",
            $"sentinel failover-timeout {ServiceName} 10000",
            $"sentinel auth-pass {ServiceName} {Password}",
            string.Empty));
        var start = new ProcessStartInfo(File.Exists("/usr/bin/redis-sentinel") ? "/usr/bin/redis-sentinel" : "redis-sentinel")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(config);
        _sentinel = Process.Start(start) ?? throw new InvalidOperationException("redis-sentinel did not start.");
        _sentinel.OutputDataReceived += (_, _) => { };
        _sentinel.ErrorDataReceived += (_, _) => { };
        _sentinel.BeginOutputReadLine();
        _sentinel.BeginErrorReadLine();
    }

    private async Task<bool> SentinelKnowsReplicaAsync(int replicaPort) =>
        (await SendToSentinelAsync($"SENTINEL replicas {ServiceName}")) is { } reply
        && reply.Contains($"\r\n{replicaPort}\r\n", StringComparison.Ordinal)
        && !reply.Contains("disconnected", StringComparison.Ordinal);

    private async Task<string?> SendToSentinelAsync(string command)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, SentinelPort);
            var stream = client.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(command + "\r\n"));
            var buffer = new byte[16384];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or TimeoutException)
        {
            return null;
        }
    }
}
