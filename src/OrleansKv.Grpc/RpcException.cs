namespace OrleansKv.Grpc;

/// <summary>
/// A call ended with a non-OK gRPC status. Server handlers throw it to return that status
/// (with <see cref="Detail"/> as <c>grpc-message</c> and <see cref="Trailers"/> as extra trailers);
/// the client throws it when a call ends with a non-OK status.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(StatusCode statusCode, string detail, GrpcMetadata? trailers = null)
        : base($"Status(StatusCode=\"{statusCode}\", Detail=\"{detail}\")")
    {
        StatusCode = statusCode;
        Detail = detail;
        Trailers = trailers;
    }

    public RpcException(StatusCode statusCode, string detail, Exception? innerException)
        : base($"Status(StatusCode=\"{statusCode}\", Detail=\"{detail}\")", innerException)
    {
        StatusCode = statusCode;
        Detail = detail;
    }

    public RpcException()
        : this(StatusCode.Unknown, string.Empty)
    {
    }

    public RpcException(string message)
        : this(StatusCode.Unknown, message)
    {
    }

    public RpcException(string message, Exception innerException)
        : this(StatusCode.Unknown, message, innerException)
    {
    }

    /// <summary>The gRPC status code.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The status message (<c>grpc-message</c>), already percent-decoded.</summary>
    public string Detail { get; }

    /// <summary>Trailing metadata sent with the status, if any.</summary>
    public GrpcMetadata? Trailers { get; }
}
