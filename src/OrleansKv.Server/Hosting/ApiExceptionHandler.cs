using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Server.Namespaces;
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
        NamespaceQuotaException { Kind: QuotaKind.ValueSize } quota => (StatusCodes.Status413PayloadTooLarge, "value_too_large", quota.Message),
        NamespaceQuotaException quota => (StatusCodes.Status507InsufficientStorage, "quota_exceeded", quota.Message),
        ArgumentException argument => (StatusCodes.Status400BadRequest, "invalid_argument", FirstLine(argument.Message)),
        NamespaceStoreException => (StatusCodes.Status503ServiceUnavailable, "unavailable", "Storage is unavailable; the outcome of a write in flight is unknown. Retry."),
        NamespaceMovedException => (StatusCodes.Status503ServiceUnavailable, "unavailable", "The namespace is moving between silos; nothing was applied. Retry."),
        // A call the owning silo did not answer (it died, was declared dead or timed out): whether a write ran is unknown.
        _ when NamespaceCalls.IsClusterFailure(exception) =>
            (StatusCodes.Status503ServiceUnavailable, "unavailable", "The silo that owns the namespace did not answer; the outcome of a write in flight is unknown. Retry."),
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
