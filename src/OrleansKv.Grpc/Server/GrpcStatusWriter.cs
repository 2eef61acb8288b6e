using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace OrleansKv.Grpc;

/// <summary>
/// Sends a call's final status. After a message: as HTTP/2 trailers (<c>grpc-status</c>,
/// <c>grpc-message</c>, then trailer metadata). Before any message: as a Trailers-Only response,
/// the status in the one HEADERS frame (what grpc-dotnet does; python grpcio and grpc-js accept it).
/// </summary>
internal static class GrpcStatusWriter
{
    public static void WriteStatus(
        HttpResponse response, bool trailersOnly, StatusCode code, string detail, GrpcMetadata? trailers, GrpcMetadata? extraTrailers)
    {
        var status = StatusText(code);
        var message = string.IsNullOrEmpty(detail) ? null : GrpcStatusMessage.Encode(detail);
        if (trailersOnly && !response.HasStarted)
        {
            var headers = response.Headers;
            headers[GrpcProtocol.StatusHeader] = status;
            if (message is not null)
            {
                headers[GrpcProtocol.MessageHeader] = message;
            }

            AppendMetadata(headers, trailers);
            AppendMetadata(headers, extraTrailers);
            return;
        }

        if (!response.SupportsTrailers())
        {
            return;
        }

        response.AppendTrailer(GrpcProtocol.StatusHeader, status);
        if (message is not null)
        {
            response.AppendTrailer(GrpcProtocol.MessageHeader, message);
        }

        AppendTrailers(response, trailers);
        AppendTrailers(response, extraTrailers);
    }

    /// <summary>Answers a request that never became a call (wrong protocol or content type).</summary>
    public static void WriteHttpError(HttpResponse response, int httpStatus, StatusCode code, string detail)
    {
        response.StatusCode = httpStatus;
        response.Headers[GrpcProtocol.StatusHeader] = StatusText(code);
        response.Headers[GrpcProtocol.MessageHeader] = GrpcStatusMessage.Encode(detail);
    }

    /// <summary>The <c>grpc-status</c> value: the code as a decimal number (the runtime caches these small numbers' strings).</summary>
    private static string StatusText(StatusCode code) => ((int)code).ToString(CultureInfo.InvariantCulture);

    public static void AppendMetadata(IHeaderDictionary headers, GrpcMetadata? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var entry in metadata)
        {
            headers.Append(entry.Key, entry.IsBinary ? GrpcMetadata.EncodeBinaryValue(entry.ValueBytes) : entry.Value);
        }
    }

    private static void AppendTrailers(HttpResponse response, GrpcMetadata? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var entry in metadata)
        {
            response.AppendTrailer(entry.Key, entry.IsBinary ? GrpcMetadata.EncodeBinaryValue(entry.ValueBytes) : entry.Value);
        }
    }
}
