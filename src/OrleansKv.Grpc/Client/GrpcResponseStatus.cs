using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace OrleansKv.Grpc;

/// <summary>
/// Reads what a response says about a call's outcome: <c>grpc-status</c>/<c>grpc-message</c>,
/// the HTTP status when it is not 200 (gRPC spec's HTTP→gRPC table), HTTP/2 reset codes, metadata.
/// </summary>
public static class GrpcResponseStatus
{
    /// <summary>The gRPC spec's mapping of a non-200 HTTP status to a gRPC status.</summary>
    public static StatusCode FromHttpStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>The gRPC spec's mapping of an HTTP/2 RST_STREAM / GOAWAY error code.</summary>
    public static StatusCode FromHttp2ErrorCode(long errorCode) => errorCode switch
    {
        0x7 => StatusCode.Unavailable,        // REFUSED_STREAM
        0x8 => StatusCode.Cancelled,          // CANCEL
        0xB => StatusCode.ResourceExhausted,  // ENHANCE_YOUR_CALM
        0xC => StatusCode.PermissionDenied,   // INADEQUATE_SECURITY
        _ => StatusCode.Internal,
    };

    /// <summary>Reads <c>grpc-status</c> and <c>grpc-message</c>; false when there is no <c>grpc-status</c>.</summary>
    internal static bool TryGetStatus(HttpHeaders headers, out StatusCode code, out string detail)
    {
        code = StatusCode.Unknown;
        detail = string.Empty;
        var values = headers.NonValidated;
        if (!values.TryGetValues(GrpcProtocol.StatusHeader, out var statusValues))
        {
            return false;
        }

        if (values.TryGetValues(GrpcProtocol.MessageHeader, out var messageValues))
        {
            detail = GrpcStatusMessage.Decode(messageValues.ToString());
        }

        if (int.TryParse(statusValues.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            code = (StatusCode)number;
        }
        else
        {
            detail = $"Unexpected grpc-status value '{statusValues}'. {detail}".TrimEnd();
        }

        return true;
    }

    /// <summary>User metadata among <paramref name="headers"/>: not the protocol's own; <c>-bin</c> values decoded.</summary>
    internal static GrpcMetadata ReadMetadata(HttpHeaders headers)
    {
        var metadata = new GrpcMetadata();
        foreach (var (name, values) in headers.NonValidated)
        {
            if (GrpcProtocol.IsReservedHeader(name))
            {
                continue;
            }

            var key = name.ToLowerInvariant();
            foreach (var value in values)
            {
                if (!GrpcMetadata.IsBinaryKey(key))
                {
                    metadata.AddUnchecked(key, value, null);
                    continue;
                }

                foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (GrpcMetadata.DecodeBinaryValue(part) is { } bytes)
                    {
                        metadata.AddUnchecked(key, null, bytes);
                    }
                }
            }
        }

        return metadata;
    }
}
