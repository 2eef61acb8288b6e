using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OrleansKv.Server.Configuration;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>What the RESP endpoint tells about itself: INFO's server section, CONFIG GET's read-only values.</summary>
internal sealed class RespServerInfo
{
    /// <summary>The Redis version the endpoint speaks like (clients pick features by it).</summary>
    public static ReadOnlySpan<byte> RedisVersion => "7.2.0"u8;

    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Lazy<IReadOnlyDictionary<string, string>> _config;
    private int _connected;

    /// <remarks>Kestrel's options are read at the first use, not here: this is built while Kestrel configures its
    /// listeners, before its options exist.</remarks>
    public RespServerInfo(TimeProvider time, IOptions<ListenerOptions> listeners, IOptions<LimitsOptions> limits, IOptions<KestrelServerOptions> kestrel)
    {
        _time = time;
        _started = time.GetTimestamp();
        Port = listeners.Value.RespPort ?? 0;
        RunId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
        var maxValueBytes = limits.Value.MaxValueBytes;
        _config = new(() => Settings(kestrel.Value.Limits, maxValueBytes, Port));
    }

    public int Port { get; }

    public string RunId { get; }

    /// <summary>The settings CONFIG GET answers; any other name is answered with nothing, as Redis does.</summary>
    public IReadOnlyDictionary<string, string> Config => _config.Value;

    public int ConnectedClients => Volatile.Read(ref _connected);

    public long UptimeSeconds => (long)_time.GetElapsedTime(_started).TotalSeconds;

    public void Connected() => Interlocked.Increment(ref _connected);

    public void Disconnected() => Interlocked.Decrement(ref _connected);

    private static Dictionary<string, string> Settings(KestrelServerLimits limits, int maxValueBytes, int port) =>
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["databases"] = "1",
            ["maxmemory"] = "0",
            ["maxmemory-policy"] = "noeviction",
            ["maxclients"] = (limits.MaxConcurrentConnections ?? 10000).ToString(CultureInfo.InvariantCulture),
            ["timeout"] = ((long)limits.KeepAliveTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ["proto-max-bulk-len"] = maxValueBytes.ToString(CultureInfo.InvariantCulture),
            ["save"] = string.Empty,
            ["appendonly"] = "yes",
            ["port"] = port.ToString(CultureInfo.InvariantCulture),
        };
}
