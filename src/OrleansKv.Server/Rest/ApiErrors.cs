using System.Text.Json;
using OrleansKv.Grains;
using OrleansKv.Server.Errors;

namespace OrleansKv.Server.Rest;

/// <summary>The JSON error body every failure answers with.</summary>
/// <param name="Error">A human sentence.</param>
/// <param name="Code">A stable machine code.</param>
public sealed record ApiError(string Error, string Code);

/// <summary>Builds error answers: <c>{"error": "...", "code": "..."}</c> with the status <see cref="RestErrorMap"/> gives the code.</summary>
public static class ApiErrors
{
    public static IResult Result(KvErrorCode code, string message) => Result(new KvError(code, message));

    public static IResult Result(KvError error) => new ErrorResult(RestErrorMap.Status(error.Code), new ApiError(error.Message, error.CodeName));

    public static IResult NotFound(string? message = null) =>
        message is null ? Result(KvStatusErrors.NotFound) : Result(KvErrorCode.NotFound, message);

    public static IResult PreconditionFailed() => Result(KvStatusErrors.PreconditionFailed);

    /// <summary>Writes an error directly (middleware, authentication handlers, exception handlers).</summary>
    public static Task WriteAsync(HttpContext context, KvErrorCode code, string message) => WriteAsync(context, new KvError(code, message));

    /// <inheritdoc cref="WriteAsync(HttpContext, KvErrorCode, string)"/>
    public static Task WriteAsync(HttpContext context, KvError error) => WriteAsync(context, RestErrorMap.Status(error.Code), error);

    /// <summary>Writes an error body under a status already decided (a bodiless status the pipeline answered).</summary>
    internal static async Task WriteAsync(HttpContext context, int status, KvError error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Items[Metrics.ServerMetrics.ErrorCodeItem] = error.CodeName;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, new ApiError(error.Message, error.CodeName), ServerJsonContext.Api.ApiError, context.RequestAborted);
    }

    /// <summary>Writes the error body and leaves its code for the request metrics.</summary>
    private sealed class ErrorResult(int status, ApiError error) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => status;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Items[Metrics.ServerMetrics.ErrorCodeItem] = error.Code;
            return TypedResults.Json(error, ServerJsonContext.Api.ApiError, statusCode: status).ExecuteAsync(httpContext);
        }
    }
}
