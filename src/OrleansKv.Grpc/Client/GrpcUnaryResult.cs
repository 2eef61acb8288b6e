namespace OrleansKv.Grpc;

/// <summary>A unary call's response with the metadata that came with it.</summary>
/// <param name="Message">The response message.</param>
/// <param name="Headers">Response header metadata.</param>
/// <param name="Trailers">Trailer metadata (besides the status).</param>
public sealed record GrpcUnaryResult<T>(T Message, GrpcMetadata Headers, GrpcMetadata Trailers);
