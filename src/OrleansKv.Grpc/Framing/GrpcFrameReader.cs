using System.Buffers;
using System.Buffers.Binary;

namespace OrleansKv.Grpc;

/// <summary>
/// Try-parsers for length-prefixed messages: 1-byte compressed flag, 4-byte big-endian length,
/// then the payload. <c>false</c> means "need more bytes"; malformed input throws <see cref="RpcException"/>.
/// </summary>
public static class GrpcFrameReader
{
    /// <summary>Size of the frame header.</summary>
    public const int HeaderSize = 5;

    /// <summary>Reads the 5-byte header at the start of <paramref name="buffer"/>.</summary>
    /// <exception cref="RpcException">INTERNAL when the compressed flag is neither 0 nor 1.</exception>
    public static bool TryReadHeader(in ReadOnlySequence<byte> buffer, out bool isCompressed, out uint length)
    {
        if (buffer.Length < HeaderSize)
        {
            isCompressed = false;
            length = 0;
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        var first = buffer.FirstSpan;
        if (first.Length >= HeaderSize)
        {
            first[..HeaderSize].CopyTo(header);
        }
        else
        {
            buffer.Slice(0, HeaderSize).CopyTo(header);
        }

        if (header[0] > 1)
        {
            GrpcFramingErrors.ThrowInvalidCompressedFlag(header[0]);
        }

        isCompressed = header[0] == 1;
        length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        return true;
    }

    /// <summary>
    /// Reads one whole frame. On success <paramref name="buffer"/> is advanced past it and
    /// <paramref name="frame"/> slices the original buffer. The size limit is checked as soon as the
    /// header is complete, before waiting for the payload.
    /// </summary>
    /// <exception cref="RpcException">
    /// RESOURCE_EXHAUSTED when the declared length exceeds <paramref name="maxMessageSize"/>;
    /// INTERNAL when the compressed flag is invalid.
    /// </exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxMessageSize, out GrpcFrame frame)
    {
        if (!TryReadHeader(buffer, out var isCompressed, out var length))
        {
            frame = default;
            return false;
        }

        if (length > (uint)maxMessageSize)
        {
            GrpcFramingErrors.ThrowMessageTooLarge(length, maxMessageSize);
        }

        if (buffer.Length - HeaderSize < length)
        {
            frame = default;
            return false;
        }

        var end = buffer.GetPosition(HeaderSize + length);
        frame = new GrpcFrame(isCompressed, buffer.Slice(HeaderSize, length));
        buffer = buffer.Slice(end);
        return true;
    }
}
