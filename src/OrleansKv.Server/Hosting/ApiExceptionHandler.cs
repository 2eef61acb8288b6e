using OrleansKv.Grains.Storage;
using OrleansKv.Runtime;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Hosting;

/// <summary>
/// Translates exceptions that escape a REST handler into the JSON error contract, once, for every route:
/// bad arguments are 400, storage and cluster failures 503, anything else 500 with no internals shown.
/// </summary>
internal sealed partial class ApiExceptionHandler
{
    private readonly ILogger<ApiExceptionHandler> _logger;

    public ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) => _logger = logger;

    /// <summary>The HTTP status, code and message an exception maps to.</summary>
    public static (int Status, string Code, string Message) Classify(Exception exception) => exception switch
    {
        BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "value_too_large" : "bad_request", bad.Message),
        ArgumentException argument => (StatusCodes.Status400BadRequest, "invalid_argument", FirstLine(argument.Message)),
        RemoteGrainException { ExceptionType: var type } remote when type.EndsWith(nameof(ArgumentException), StringComparison.Ordinal) =>
            (StatusCodes.Status400BadRequest, "invalid_argument", FirstLine(remote.Message)),
        NamespaceStoreException => (StatusCodes.Status503ServiceUnavailable, "unavailable", "Storage is unavailable; the outcome of a write in flight is unknown. Retry."),
        RemoteGrainException { ExceptionType: var type } when type.EndsWith(nameof(NamespaceStoreException), StringComparison.Ordinal) =>
            (StatusCodes.Status503ServiceUnavailable, "unavailable", "Storage is unavailable; the outcome of a write in flight is unknown. Retry."),
        GrainRoutingException => (StatusCodes.Status503ServiceUnavailable, "unavailable", "The namespace is moving between silos or the cluster is unavailable. Retry."),
        TimeoutException => (StatusCodes.Status503ServiceUnavailable, "unavailable", "The request timed out inside the cluster. Retry."),
        // A forwarded call the owning silo dropped (it died mid-call): whether it ran is unknown, so it is not retried here.
        OrleansKv.Grpc.RpcException { StatusCode: OrleansKv.Grpc.StatusCode.Unavailable or OrleansKv.Grpc.StatusCode.DeadlineExceeded } =>
            (StatusCodes.Status503ServiceUnavailable, "unavailable", "The silo that owns the namespace went away during the call; the outcome of a write in flight is unknown. Retry."),
        _ => (StatusCodes.Status500InternalServerError, "internal", "An internal error occurred."),
    };

    public async Task HandleAsync(HttpContext httpContext, Exception exception)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var (status, code, message) = Classify(exception);
        if (status >= 500)
        {
            LogFailed(_logger, exception, httpContext.Request.Method, status);
        }

        await ApiErrors.WriteAsync(httpContext, status, code, message);
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Error, Message = "{Method} request failed with {Status}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, int status);
}
