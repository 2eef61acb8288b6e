using Microsoft.AspNetCore.Diagnostics;
using OrleansKv.Grains;
using OrleansKv.Server.Grpc;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Hosting;

/// <summary>
/// The status-code page of the JSON error contract: a response that ends with an error status and no body (an
/// unknown route, a method the route lacks, an unsupported media type) gets <c>{"error", "code"}</c> under the status
/// it already has. gRPC calls keep their own framing.
/// </summary>
internal static class ErrorStatusPages
{
    public static Task WriteAsync(StatusCodeContext statusCode)
    {
        var context = statusCode.HttpContext;
        if (GrpcContentType.IsGrpc(context.Request.ContentType))
        {
            return Task.CompletedTask;
        }

        var status = context.Response.StatusCode;
        return ApiErrors.WriteAsync(context, status, ErrorFor(status));
    }

    private static KvError ErrorFor(int status) => status switch
    {
        StatusCodes.Status404NotFound => new(KvErrorCode.UnknownRoute, "No such route."),
        StatusCodes.Status405MethodNotAllowed => new(KvErrorCode.MethodNotAllowed, "The route does not support this method."),
        StatusCodes.Status413PayloadTooLarge => new(KvErrorCode.ValueTooLarge, "The request body is larger than the server accepts."),
        StatusCodes.Status415UnsupportedMediaType => new(KvErrorCode.UnsupportedMediaType, "The content type is not supported here."),
        StatusCodes.Status503ServiceUnavailable => new(KvErrorCode.Unavailable, "The server is unavailable. Retry."),
        >= StatusCodes.Status500InternalServerError => new(KvErrorCode.Internal, "An internal error occurred."),
        _ => new(KvErrorCode.BadRequest, "The request failed."),
    };
}
