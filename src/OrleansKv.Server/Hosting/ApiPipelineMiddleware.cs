using System.Diagnostics;
using OrleansKv.Server.Grpc;
using OrleansKv.Server.Metrics;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Hosting;

/// <summary>
/// The one wrapper around every request, after routing: it times the request for the metrics, turns an exception
/// that escapes a handler into the JSON error contract, and gives a bodiless error status (an unknown route, a
/// method the route lacks) a JSON body. One middleware instead of three keeps the per-request path to a single
/// async frame.
/// </summary>
internal sealed class ApiPipelineMiddleware(RequestDelegate next, RequestMetricsRecorder metrics, ApiExceptionHandler errors)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
            if (IsBodilessError(context))
            {
                await WriteStatusErrorAsync(context);
            }
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            await errors.HandleAsync(context, ex);
        }
        finally
        {
            metrics.Record(context, Stopwatch.GetElapsedTime(started));
        }
    }

    private static bool IsBodilessError(HttpContext context)
    {
        var response = context.Response;
        return response.StatusCode is >= 400 and <= 599
            && !response.HasStarted
            && response.ContentLength is null
            && string.IsNullOrEmpty(response.ContentType)
            && !GrpcContentType.IsGrpc(context.Request.ContentType);
    }

    private static Task WriteStatusErrorAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var (code, message) = status switch
        {
            StatusCodes.Status404NotFound => ("unknown_route", "No such route."),
            StatusCodes.Status405MethodNotAllowed => ("method_not_allowed", "The route does not support this method."),
            StatusCodes.Status415UnsupportedMediaType => ("unsupported_media_type", "The content type is not supported here."),
            _ => ("error", "The request failed."),
        };
        return ApiErrors.WriteAsync(context, status, code, message);
    }
}
