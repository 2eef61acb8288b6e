using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace OrleansKv.Grpc;

/// <summary>
/// The protocol around every server call: request validation, <c>grpc-timeout</c> deadline,
/// cancellation, and the final status. Subclasses only read the request and run the handler.
/// </summary>
/// <remarks>
/// Status choices: <see cref="RpcException"/> → its status; cancellation caused by the deadline →
/// DEADLINE_EXCEEDED; cancellation caused by the client (RST_STREAM) → CANCELLED, nothing sent since
/// nobody listens; any other exception → INTERNAL "Exception was thrown by handler." with the exception
/// logged here and nothing of it sent to the client. A handler that ignores its token is awaited: the
/// deadline only cancels the token (the client's own timer ends the call on its side).
/// </remarks>
internal abstract partial class GrpcMethodHandler
{
    /// <summary>Longest timer armed for a deadline; a later deadline is treated as none.</summary>
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(30);

    protected GrpcMethodHandler(GrpcMethodInfo info) => Info = info;

    public GrpcMethodInfo Info { get; }

    public async Task HandleAsync(HttpContext httpContext, GrpcServerRuntime runtime)
    {
        if (!TryAcceptRequest(httpContext, runtime.Logger))
        {
            return;
        }

        // Request size is bounded by our own framing (one message of at most MaxReceiveMessageSize, then
        // end of stream), so Kestrel's 30 MB body limit must not cut in first; grpc-dotnet does the same.
        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        var response = httpContext.Response;

        // Without a deadline the call's token is the request's own: no linked source per call.
        var requestAborted = httpContext.RequestAborted;
        using var callCts = StartDeadline(httpContext, runtime.Logger, out var deadline, requestAborted);
        var call = new GrpcCallContext(httpContext, Info, deadline, callCts?.Token ?? requestAborted);

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;

        var code = StatusCode.OK;
        var detail = string.Empty;
        GrpcMetadata? errorTrailers = null;
        try
        {
            await InvokeAsync(call, runtime);
        }
        catch (Exception) when (requestAborted.IsCancellationRequested)
        {
            LogCallCancelled(runtime.Logger, Info.FullName);
            return;
        }
        catch (RpcException ex)
        {
            (code, detail, errorTrailers) = (ex.StatusCode, ex.Detail, ex.Trailers);
            LogHandlerStatus(runtime.Logger, Info.FullName, code);
        }
        catch (OperationCanceledException) when (callCts is { IsCancellationRequested: true })
        {
            (code, detail) = (StatusCode.DeadlineExceeded, "Deadline Exceeded");
            LogDeadlineExceeded(runtime.Logger, Info.FullName);
        }
        catch (Exception ex)
        {
            (code, detail) = (StatusCode.Internal, "Exception was thrown by handler.");
            LogHandlerFailed(runtime.Logger, Info.FullName, ex.GetType().Name, ex);
        }
        finally
        {
            call.Complete();
        }

        try
        {
            GrpcStatusWriter.WriteStatus(response, !call.HasWrittenMessage, code, detail, call.ResponseTrailersIfAny, errorTrailers);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or ArgumentException)
        {
            LogStatusWriteFailed(runtime.Logger, Info.FullName, ex);
        }
    }

    protected abstract Task InvokeAsync(GrpcCallContext call, GrpcServerRuntime runtime);

    protected static ValueTask<T> ReadRequestAsync<T>(GrpcCallContext call, MessageParser<T> parser, GrpcServerRuntime runtime)
        where T : class, IMessage<T>
    {
        var request = call.HttpContext.Request;
        var encoding = request.Headers[GrpcProtocol.EncodingHeader];
        var settings = new GrpcReadSettings(
            runtime.Options.MaxReceiveMessageSize,
            encoding.Count == 0 ? null : encoding[0],
            GrpcMessageDirection.Request);
        return GrpcMessageReader.ReadSingleMessageAsync(request.BodyReader, parser, settings, call.CancellationToken);
    }

    /// <summary>Checks HTTP/2 and the content type; otherwise answers 426 or 415 as grpc-dotnet does.</summary>
    internal static bool TryAcceptRequest(HttpContext httpContext, ILogger logger)
    {
        var request = httpContext.Request;
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            LogUnsupportedRequest(logger, request.Path, request.Protocol, request.ContentType);
            GrpcStatusWriter.WriteHttpError(
                httpContext.Response, StatusCodes.Status426UpgradeRequired, StatusCode.Internal, $"Request protocol '{request.Protocol}' is not supported.");
            httpContext.Response.Headers.Upgrade = "h2c";
            return false;
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            LogUnsupportedRequest(logger, request.Path, request.Protocol, request.ContentType);
            GrpcStatusWriter.WriteHttpError(
                httpContext.Response, StatusCodes.Status415UnsupportedMediaType, StatusCode.Internal, $"Content-Type '{request.ContentType}' is not supported.");
            return false;
        }

        return true;
    }

    /// <summary>
    /// The call's own token source when <c>grpc-timeout</c> sets a deadline (linked to the request's abort and
    /// cancelled when the deadline passes); null when there is none.
    /// </summary>
    private CancellationTokenSource? StartDeadline(
        HttpContext httpContext, ILogger logger, out DateTime? deadline, CancellationToken requestAborted)
    {
        deadline = null;
        var header = httpContext.Request.Headers[GrpcProtocol.TimeoutHeader];
        if (header.Count == 0)
        {
            return null;
        }

        var raw = header.ToString();
        if (!GrpcTimeout.TryParse(raw, out var timeout))
        {
            // As grpc-dotnet: an unreadable timeout is ignored, not fatal.
            LogInvalidTimeout(logger, Info.FullName, raw);
            return null;
        }

        if (timeout > MaxTimer)
        {
            return null;
        }

        var callCts = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        callCts.CancelAfter(timeout);
        deadline = DateTime.UtcNow + timeout;
        return callCts;
    }

    [LoggerMessage(EventId = (int)GrpcEventId.CallCancelled, Level = LogLevel.Debug, Message = "gRPC call {Method} cancelled by the client.")]
    private static partial void LogCallCancelled(ILogger logger, string method);

    [LoggerMessage(EventId = (int)GrpcEventId.HandlerStatus, Level = LogLevel.Debug, Message = "gRPC call {Method} ended with status {StatusCode}.")]
    private static partial void LogHandlerStatus(ILogger logger, string method, StatusCode statusCode);

    [LoggerMessage(EventId = (int)GrpcEventId.DeadlineExceeded, Level = LogLevel.Debug, Message = "gRPC call {Method} exceeded its deadline.")]
    private static partial void LogDeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(EventId = (int)GrpcEventId.HandlerFailed, Level = LogLevel.Error, Message = "gRPC handler {Method} threw {ExceptionType}; returning INTERNAL.")]
    private static partial void LogHandlerFailed(ILogger logger, string method, string exceptionType, Exception exception);

    [LoggerMessage(EventId = (int)GrpcEventId.StatusWriteFailed, Level = LogLevel.Debug, Message = "Could not send the status of gRPC call {Method}.")]
    private static partial void LogStatusWriteFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = (int)GrpcEventId.InvalidTimeout, Level = LogLevel.Debug, Message = "gRPC call {Method} has an invalid grpc-timeout '{Timeout}'; ignored.")]
    private static partial void LogInvalidTimeout(ILogger logger, string method, string timeout);

    [LoggerMessage(EventId = (int)GrpcEventId.UnsupportedRequest, Level = LogLevel.Debug, Message = "Rejected gRPC request {Path}: protocol {Protocol}, content type {ContentType}.")]
    private static partial void LogUnsupportedRequest(ILogger logger, PathString path, string protocol, string? contentType);
}
