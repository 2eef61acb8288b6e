using System.Buffers;

namespace OrleansKv.Grpc;

/// <summary>
/// One length-prefixed gRPC message: the compressed flag of its 5-byte header and its payload,
/// a slice of the buffer it was parsed from (valid until that buffer is advanced past).
/// </summary>
public readonly struct GrpcFrame
{
    public GrpcFrame(bool isCompressed, ReadOnlySequence<byte> payload)
    {
        IsCompressed = isCompressed;
        Payload = payload;
    }

    public bool IsCompressed { get; }

    public ReadOnlySequence<byte> Payload { get; }
}
