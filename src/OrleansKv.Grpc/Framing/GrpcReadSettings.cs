namespace OrleansKv.Grpc;

/// <summary>What a message reader needs to know about its stream.</summary>
/// <param name="MaxMessageSize">Largest accepted message, compressed or decompressed, in bytes.</param>
/// <param name="Encoding">The stream's <c>grpc-encoding</c> header, or null when absent.</param>
/// <param name="Direction">Whether requests or responses are read (wording of errors only).</param>
public readonly record struct GrpcReadSettings(int MaxMessageSize, string? Encoding, GrpcMessageDirection Direction);
