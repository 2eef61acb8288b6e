namespace OrleansKv.Grpc;

/// <summary>The call shapes this layer serves.</summary>
public enum GrpcMethodKind
{
    /// <summary>One request, one response.</summary>
    Unary,

    /// <summary>One request, a stream of responses.</summary>
    ServerStreaming,
}
