using System.Diagnostics;
using OrleansKv.Server.Metrics;

namespace OrleansKv.Server.Hosting;

/// <summary>
/// Times every request for the metrics, after routing and around the exception handler and the status-code pages,
/// so the recorded status and error code are the ones the client receives.
/// </summary>
internal sealed class ApiPipelineMiddleware(RequestDelegate next, RequestMetricsRecorder metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            metrics.Record(context, Stopwatch.GetElapsedTime(started));
        }
    }
}
