using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace OrleansKv.Grpc;

/// <summary>
/// Decompression of frames whose compressed flag is 1. Only gzip is supported (BCL); the output
/// is bounded by the receive limit so a small compressed frame cannot inflate without limit.
/// </summary>
internal static class GrpcDecompression
{
    /// <summary>Decompresses <paramref name="payload"/> per <paramref name="settings"/>.Encoding.</summary>
    /// <exception cref="RpcException">
    /// INTERNAL without (or with an identity) <c>grpc-encoding</c> or for a corrupt payload;
    /// UNIMPLEMENTED for an unknown encoding; RESOURCE_EXHAUSTED when the output exceeds the limit.
    /// </exception>
    public static ArraySegment<byte> Decompress(in ReadOnlySequence<byte> payload, in GrpcReadSettings settings)
    {
        var encoding = settings.Encoding?.Trim();
        if (encoding is null || string.Equals(encoding, GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            GrpcFramingErrors.ThrowMissingEncoding(encoding);
        }

        if (!string.Equals(encoding, GrpcProtocol.GzipEncoding, StringComparison.OrdinalIgnoreCase))
        {
            GrpcFramingErrors.ThrowUnsupportedEncoding(encoding);
        }

        var input = payload.IsSingleSegment && MemoryMarshal.TryGetArray(payload.First, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(payload.ToArray(), writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            // In-memory streams only: these reads never block on I/O.
            while ((read = gzip.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (output.Length + read > settings.MaxMessageSize)
                {
                    GrpcFramingErrors.ThrowMessageTooLarge(output.Length + read, settings.MaxMessageSize);
                }

                output.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            GrpcFramingErrors.ThrowDecompressFailed(ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return new ArraySegment<byte>(output.GetBuffer(), 0, (int)output.Length);
    }
}
