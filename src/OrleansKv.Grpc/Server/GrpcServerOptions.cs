namespace OrleansKv.Grpc;

/// <summary>Limits of the gRPC server side; bound with <c>AddGrpcServer</c>.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted, in bytes (after decompression). Default 4 MiB.</summary>
    public int MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message sent, in bytes; null means no limit (the default).</summary>
    public int? MaxSendMessageSize { get; set; }
}
