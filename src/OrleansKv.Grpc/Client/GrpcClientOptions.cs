namespace OrleansKv.Grpc;

/// <summary>Limits and connection settings of a <see cref="GrpcClient"/>.</summary>
public sealed class GrpcClientOptions
{
    /// <summary>Largest response message accepted, in bytes. Default 4 MiB.</summary>
    public int MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest request message sent, in bytes; null means no limit (the default).</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Time allowed to open a TCP connection. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An idle pooled connection is closed after this long. Default 5 min.</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>HTTP/2 PING interval while calls are active (finds dead peers). Default 30 s.</summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A PING unanswered this long closes the connection. Default 10 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Open more HTTP/2 connections when one reaches the server's stream limit. Default true.</summary>
    public bool EnableMultipleHttp2Connections { get; set; } = true;

    /// <summary>Sent as <c>user-agent</c>.</summary>
    public string UserAgent { get; set; } = "orleanskv-grpc/1.0";
}
