using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;

namespace OrleansKv.Grpc;

/// <summary>
/// Reads protobuf messages from a <see cref="PipeReader"/> of length-prefixed frames (a request
/// <c>BodyReader</c>, or a <c>PipeReader</c> over a response stream).
/// </summary>
/// <remarks>
/// Errors, as <see cref="RpcException"/> (the statuses grpc-dotnet uses, so clients see familiar ones):
/// end of stream inside a frame → INTERNAL "Incomplete message."; a unary stream with no message →
/// INTERNAL "Incomplete message."; with two or more → INTERNAL "Additional data after the message received.";
/// a message over the limit → RESOURCE_EXHAUSTED; a payload protobuf cannot parse → INTERNAL
/// "Failed to deserialize request message." (as grpc-go, grpc-java, grpc C++ and grpcio do; grpc-dotnet
/// alone reports UNKNOWN); compressed frames: see <see cref="GrpcDecompression"/>.
/// </remarks>
public static class GrpcMessageReader
{
    /// <summary>Reads the next message, or returns null at a clean end of stream.</summary>
    public static async ValueTask<T?> ReadMessageAsync<T>(
        PipeReader reader, MessageParser<T> parser, GrpcReadSettings settings, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var consumed = false;
            try
            {
                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("The read was cancelled.");
                }

                if (GrpcFrameReader.TryReadFrame(ref buffer, settings.MaxMessageSize, out var frame))
                {
                    var message = Parse(frame, parser, settings);
                    consumed = true;
                    return message;
                }

                if (result.IsCompleted)
                {
                    if (buffer.IsEmpty)
                    {
                        return null;
                    }

                    GrpcFramingErrors.ThrowIncompleteMessage();
                }
            }
            finally
            {
                if (consumed)
                {
                    reader.AdvanceTo(buffer.Start);
                }
                else
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
    }

    /// <summary>Reads exactly one message followed by the end of the stream (a unary request or response).</summary>
    /// <remarks>
    /// When the read that completes the message also ends the stream (a client sends its one DATA frame with
    /// END_STREAM), nothing is left to wait for: the message is returned without a second read.
    /// </remarks>
    public static async ValueTask<T> ReadSingleMessageAsync<T>(
        PipeReader reader, MessageParser<T> parser, GrpcReadSettings settings, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var consumed = false;
            T message;
            try
            {
                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("The read was cancelled.");
                }

                if (!GrpcFrameReader.TryReadFrame(ref buffer, settings.MaxMessageSize, out var frame))
                {
                    if (result.IsCompleted)
                    {
                        GrpcFramingErrors.ThrowIncompleteMessage();
                    }

                    continue;
                }

                message = Parse(frame, parser, settings);
                consumed = true;
                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        GrpcFramingErrors.ThrowAdditionalData();
                    }

                    return message;
                }
            }
            finally
            {
                if (consumed)
                {
                    reader.AdvanceTo(buffer.Start);
                }
                else
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }

            await ReadEndOfStreamAsync(reader, cancellationToken);
            return message;
        }
    }

    /// <summary>Waits for the end of the stream; any further byte is an error.</summary>
    public static async ValueTask ReadEndOfStreamAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (!buffer.IsEmpty)
            {
                GrpcFramingErrors.ThrowAdditionalData();
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException("The read was cancelled.");
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>Parses one frame's payload, decompressing it first when its flag says so.</summary>
    public static T Parse<T>(in GrpcFrame frame, MessageParser<T> parser, in GrpcReadSettings settings)
        where T : IMessage<T>
    {
        try
        {
            if (!frame.IsCompressed)
            {
                return parser.ParseFrom(frame.Payload);
            }

            var bytes = GrpcDecompression.Decompress(frame.Payload, settings);
            return parser.ParseFrom(bytes.Array!, bytes.Offset, bytes.Count);
        }
        catch (InvalidProtocolBufferException ex)
        {
            GrpcFramingErrors.ThrowDeserializeFailed(settings.Direction, ex);
            return default;
        }
    }
}
