using System.Text;
using OrleansKv.Grains;

namespace OrleansKv.Server.Grpc;

/// <summary>
/// Answers a gRPC or gRPC-Web call with an error (its status, message and <c>kv-error-code</c>) and no message, before its method runs (the authorization
/// middleware refuses it): HTTP 200 with <c>grpc-status</c> and <c>grpc-message</c> in the headers, which end the
/// stream as a trailers-only response.
/// </summary>
internal static class GrpcTrailersOnly
{
    public static void Write(HttpContext context, KvError error)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcContentType.IsGrpcWeb(context.Request.ContentType) ? context.Request.ContentType : "application/grpc";
        response.Headers["grpc-status"] = ((int)GrpcErrors.StatusOf(error.Code)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncode(error.Message);
        response.Headers[GrpcErrors.CodeTrailer] = error.CodeName;
    }

    /// <summary>The gRPC wire form of a status message: UTF-8, with '%' and bytes outside printable ASCII percent-encoded.</summary>
    internal static string PercentEncode(string message)
    {
        var plain = true;
        foreach (var c in message)
        {
            plain &= c is >= ' ' and <= '~' and not '%';
        }

        if (plain)
        {
            return message;
        }

        var text = new StringBuilder(message.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= (byte)' ' and <= (byte)'~' and not (byte)'%')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }
}
