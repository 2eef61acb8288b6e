namespace OrleansKv.Client;

/// <summary>Settings of a <see cref="KvClient"/>.</summary>
public sealed class KvClientOptions
{
    /// <summary>
    /// The server's gRPC address (GRPC_PORT), e.g. <c>http://127.0.0.1:50051</c>. <c>http://</c> speaks HTTP/2 with prior
    /// knowledge (h2c, what the server listens with); <c>https://</c> negotiates HTTP/2 over TLS.
    /// </summary>
    public Uri Address { get; set; } = new("http://127.0.0.1:50051");

    /// <summary>
    /// The bearer credential sent as <c>authorization: Bearer ...</c> on every call: an opaque token or a JWT. Null sends
    /// none (only <see cref="KvClient.HealthCheckAsync"/> works then).
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Deadline of unary calls that pass no timeout of their own. Null (the default) means none. Listings are not
    /// bounded by it, since a long listing is legitimately slow; pass a timeout to <see cref="KvClient.ListAsync"/>.
    /// </summary>
    public TimeSpan? DefaultTimeout { get; set; }

    /// <summary>Largest response accepted, in bytes; a Get returns a whole value. Default 64 MiB.</summary>
    public int MaxReceiveMessageSize { get; set; } = 64 * 1024 * 1024;

    /// <summary>Largest request sent, in bytes; null (the default) leaves the limit to the server (RESOURCE_EXHAUSTED).</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Time allowed to open a connection. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Sent as <c>user-agent</c>.</summary>
    public string UserAgent { get; set; } = "orleanskv-dotnet/1.0";
}
