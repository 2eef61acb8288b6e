namespace OrleansKv.Grpc;

/// <summary>Header names and values of the gRPC-over-HTTP/2 protocol.</summary>
public static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string ContentTypeProto = "application/grpc+proto";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string IdentityEncoding = "identity";
    public const string GzipEncoding = "gzip";

    /// <summary>Sent as <c>grpc-accept-encoding</c>: the request encodings this layer can read.</summary>
    public const string SupportedEncodings = "identity,gzip";

    /// <summary>Default maximum size of a received message: 4 MiB, as in every gRPC implementation.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// True for <c>application/grpc</c>, <c>application/grpc+proto</c> and those with parameters
    /// (<c>application/grpc; charset=...</c>). Other subtypes (<c>+json</c>) are not served here.
    /// </summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        if (semicolon >= 0)
        {
            span = span[..semicolon];
        }

        span = span.Trim();
        return span.Equals(ContentType, StringComparison.OrdinalIgnoreCase)
            || span.Equals(ContentTypeProto, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True for headers that carry the protocol itself and are never user metadata.</summary>
    internal static bool IsReservedHeader(string name) =>
        name.StartsWith(':')
        || name.Equals("content-type", StringComparison.OrdinalIgnoreCase)
        || name.Equals("content-length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("te", StringComparison.OrdinalIgnoreCase)
        || name.Equals("host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("date", StringComparison.OrdinalIgnoreCase)
        || name.Equals("server", StringComparison.OrdinalIgnoreCase)
        || name.Equals(StatusHeader, StringComparison.OrdinalIgnoreCase)
        || name.Equals(MessageHeader, StringComparison.OrdinalIgnoreCase)
        || name.Equals(TimeoutHeader, StringComparison.OrdinalIgnoreCase)
        || name.Equals(EncodingHeader, StringComparison.OrdinalIgnoreCase)
        || name.Equals(AcceptEncodingHeader, StringComparison.OrdinalIgnoreCase);
}
