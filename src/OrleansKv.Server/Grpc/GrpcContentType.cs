namespace OrleansKv.Server.Grpc;

/// <summary>The content types that mark a gRPC or gRPC-Web call (<c>application/grpc</c>, <c>application/grpc-web</c>, ...).</summary>
public static class GrpcContentType
{
    /// <summary>Whether <paramref name="contentType"/> is gRPC's or gRPC-Web's (any <c>+codec</c> and parameters).</summary>
    public static bool IsGrpc(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase)
        && (contentType.Length == 16 || contentType[16] is '+' or ';' or '-');

    /// <summary>Whether <paramref name="contentType"/> is gRPC-Web's: <c>application/grpc-web</c>, <c>-web+proto</c>, <c>-web-text</c>.</summary>
    public static bool IsGrpcWeb(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase)
        && (contentType.Length == 20 || contentType[20] is '+' or ';' or '-');
}
