using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using OrleansKv.Grains;
using OrleansKv.Server.Errors;
using OrleansKv.Server.Limits;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Hosting;

/// <summary>
/// ASP.NET Core's exception handler for what escapes a REST handler: the exception is classified once
/// (<see cref="KvErrorClassifier"/>) and answered in the JSON error contract with the status <see cref="RestErrorMap"/>
/// gives its code. Cancellation of an aborted request never reaches it (the middleware drops those).
/// </summary>
internal sealed partial class KvExceptionHandler(ILogger<KvExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var error = KvErrorClassifier.Classify(exception) ?? KvErrorClassifier.InternalError;
        var status = RestErrorMap.Status(error.Code);
        if (status >= StatusCodes.Status500InternalServerError)
        {
            LogFailed(logger, exception, httpContext.Request.Method, status);
        }

        if (exception is RateLimitedException limited)
        {
            httpContext.Response.Headers.RetryAfter = RateLimitedException.Seconds(limited.RetryAfter).ToString(CultureInfo.InvariantCulture);
        }

        await ApiErrors.WriteAsync(httpContext, error);
        return true;
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Error, Message = "{Method} request failed with {Status}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, int status);
}
