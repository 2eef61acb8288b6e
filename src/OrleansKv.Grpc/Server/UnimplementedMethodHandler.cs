using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansKv.Grpc;

/// <summary>Answers a gRPC call to a path no method is registered for: UNIMPLEMENTED, trailers-only.</summary>
internal sealed partial class UnimplementedMethodHandler
{
    private readonly GrpcServiceRegistry _registry;
    private readonly GrpcServerRuntime _runtime;

    public UnimplementedMethodHandler(GrpcServiceRegistry registry, GrpcServerRuntime runtime)
    {
        _registry = registry;
        _runtime = runtime;
    }

    public Task HandleAsync(HttpContext httpContext)
    {
        if (!GrpcMethodHandler.TryAcceptRequest(httpContext, _runtime.Logger))
        {
            return Task.CompletedTask;
        }

        var service = httpContext.Request.RouteValues["service"] as string ?? string.Empty;
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        LogUnimplemented(_runtime.Logger, httpContext.Request.Path);
        var detail = _registry.HasService(service) ? "Method is unimplemented." : "Service is unimplemented.";
        GrpcStatusWriter.WriteStatus(response, trailersOnly: true, StatusCode.Unimplemented, detail, null, null);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = (int)GrpcEventId.UnimplementedMethod, Level = LogLevel.Debug, Message = "gRPC call to unknown method {Path}.")]
    private static partial void LogUnimplemented(ILogger logger, PathString path);
}
