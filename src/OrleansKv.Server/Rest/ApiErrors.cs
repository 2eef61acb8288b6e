using System.Text.Json;

namespace OrleansKv.Server.Rest;

/// <summary>The JSON error body every failure answers with.</summary>
/// <param name="Error">A human sentence.</param>
/// <param name="Code">A stable machine code.</param>
public sealed record ApiError(string Error, string Code);

/// <summary>Builds error answers: <c>{"error": "...", "code": "..."}</c> with the right status.</summary>
public static class ApiErrors
{
    public static IResult Result(int status, string code, string message) => new ErrorResult(status, new ApiError(message, code));

    public static IResult BadRequest(string code, string message) => Result(StatusCodes.Status400BadRequest, code, message);

    public static IResult NotFound(string message = "The key does not exist.") => Result(StatusCodes.Status404NotFound, "not_found", message);

    public static IResult PreconditionFailed(string message = "The If-Match / If-None-Match condition does not hold.") =>
        Result(StatusCodes.Status412PreconditionFailed, "precondition_failed", message);

    public static IResult TooLarge(string message) => Result(StatusCodes.Status413PayloadTooLarge, "value_too_large", message);

    public static IResult Unavailable(string message) => Result(StatusCodes.Status503ServiceUnavailable, "unavailable", message);

    /// <summary>Writes an error directly (middleware, authentication handlers).</summary>
    public static async Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Items[Metrics.ServerMetrics.ErrorCodeItem] = code;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, new ApiError(message, code), ServerJsonContext.Api.ApiError, context.RequestAborted);
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
