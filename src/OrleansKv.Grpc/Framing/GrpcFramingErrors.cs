using System.Diagnostics.CodeAnalysis;

namespace OrleansKv.Grpc;

/// <summary>
/// Throw helpers for malformed or unacceptable frames. The statuses follow grpc-dotnet
/// (and the gRPC compression spec), which is what gRPC clients expect to see.
/// </summary>
internal static class GrpcFramingErrors
{
    /// <summary>Compressed flag other than 0 or 1: INTERNAL.</summary>
    [DoesNotReturn]
    public static void ThrowInvalidCompressedFlag(byte flag) =>
        throw new RpcException(StatusCode.Internal, $"Unexpected compressed flag value {flag} in message header.");

    /// <summary>Declared length above the configured maximum: RESOURCE_EXHAUSTED.</summary>
    [DoesNotReturn]
    public static void ThrowMessageTooLarge(long length, int maxLength) =>
        throw new RpcException(
            StatusCode.ResourceExhausted,
            $"Received message exceeds the maximum configured message size ({length} vs. {maxLength} bytes).");

    /// <summary>Outgoing message above the configured maximum: RESOURCE_EXHAUSTED.</summary>
    [DoesNotReturn]
    public static void ThrowSendMessageTooLarge(int length, int maxLength) =>
        throw new RpcException(
            StatusCode.ResourceExhausted,
            $"Sending message exceeds the maximum configured message size ({length} vs. {maxLength} bytes).");

    /// <summary>End of stream inside a frame (or no message at all for a unary call): INTERNAL.</summary>
    [DoesNotReturn]
    public static void ThrowIncompleteMessage() =>
        throw new RpcException(StatusCode.Internal, "Incomplete message.");

    /// <summary>A unary call received more than one message: INTERNAL.</summary>
    [DoesNotReturn]
    public static void ThrowAdditionalData() =>
        throw new RpcException(StatusCode.Internal, "Additional data after the message received.");

    /// <summary>The payload is not a valid protobuf message of the expected type: INTERNAL.</summary>
    [DoesNotReturn]
    public static void ThrowDeserializeFailed(GrpcMessageDirection direction, Exception inner) =>
        throw new RpcException(
            StatusCode.Internal,
            direction == GrpcMessageDirection.Request ? "Failed to deserialize request message." : "Failed to deserialize response message.",
            inner);

    /// <summary>Compressed flag set without a usable <c>grpc-encoding</c>: INTERNAL (grpc-dotnet).</summary>
    [DoesNotReturn]
    public static void ThrowMissingEncoding(string? encoding) =>
        throw new RpcException(
            StatusCode.Internal,
            encoding is null
                ? "Request did not include grpc-encoding value with compressed message."
                : "Request sent 'identity' grpc-encoding value with compressed message.");

    /// <summary>Compressed with an encoding this layer cannot read: UNIMPLEMENTED (gRPC compression spec).</summary>
    [DoesNotReturn]
    public static void ThrowUnsupportedEncoding(string encoding) =>
        throw new RpcException(
            StatusCode.Unimplemented,
            $"Compression not supported: grpc-encoding '{encoding}'. Supported encodings: {GrpcProtocol.SupportedEncodings}");

    /// <summary>A gzip payload that does not decompress: INTERNAL.</summary>
    [DoesNotReturn]
    public static void ThrowDecompressFailed(Exception inner) =>
        throw new RpcException(StatusCode.Internal, "Failed to decompress message.", inner);
}
