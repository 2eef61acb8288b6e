using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace OrleansKv.Grpc;

/// <summary>
/// Writes length-prefixed messages straight into an <see cref="IBufferWriter{T}"/> (a response
/// <c>PipeWriter</c>): no intermediate buffer, the message serializes into the writer's memory.
/// Messages are never compressed.
/// </summary>
public static class GrpcFrameWriter
{
    /// <summary>Writes one uncompressed frame. Does not flush.</summary>
    /// <exception cref="RpcException">RESOURCE_EXHAUSTED when the message exceeds <paramref name="maxMessageSize"/>.</exception>
    public static void WriteMessage(IBufferWriter<byte> writer, IMessage message, int? maxMessageSize = null)
    {
        var size = message.CalculateSize();
        if (maxMessageSize is { } max && size > max)
        {
            GrpcFramingErrors.ThrowSendMessageTooLarge(size, max);
        }

        WriteHeader(writer, size);
        if (size > 0)
        {
            message.WriteTo(writer);
        }
    }

    /// <summary>Writes the 5-byte header of an uncompressed frame of <paramref name="length"/> bytes.</summary>
    public static void WriteHeader(IBufferWriter<byte> writer, int length)
    {
        var header = writer.GetSpan(GrpcFrameReader.HeaderSize);
        header[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)length);
        writer.Advance(GrpcFrameReader.HeaderSize);
    }
}
