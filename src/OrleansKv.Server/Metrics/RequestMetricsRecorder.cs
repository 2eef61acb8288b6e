using System.Globalization;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using OrleansKv.Server.Grpc;
using OrleansKv.Server.Hosting;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Metrics;

/// <summary>
/// Records a finished request by protocol (rest, grpc, silo), route label and status (the HTTP status, or for
/// gRPC the grpc-status), and counts error answers by code. <see cref="ApiPipelineMiddleware"/> times requests.
/// </summary>
internal sealed class RequestMetricsRecorder(ServerMetrics metrics)
{
    public void Record(HttpContext context, TimeSpan elapsed)
    {
        var endpoint = context.GetEndpoint();
        var grpcMethod = endpoint?.Metadata.GetMetadata<GrpcMethodMetadata>();
        var listener = endpoint?.Metadata.GetMetadata<ListenerMetadata>()?.Listener;
        var protocol = listener switch
        {
            Listener.Grpc => "grpc",
            _ when grpcMethod is not null || GrpcContentType.IsGrpc(context.Request.ContentType) => "grpc",
            _ => "rest",
        };
        var route = endpoint?.Metadata.GetMetadata<RouteLabel>()?.Name ?? "unmatched";
        string status;
        if (protocol is "grpc")
        {
            var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
            status = trailers?["grpc-status"].ToString() is { Length: > 0 } fromTrailers
                ? fromTrailers
                : context.Response.Headers["grpc-status"].ToString() is { Length: > 0 } fromHeaders ? fromHeaders : "0";
            if (status != "0")
            {
                metrics.Error(protocol, GrpcStatusName(status));
            }
        }
        else
        {
            status = context.Response.StatusCode.ToString(CultureInfo.InvariantCulture);
            if (context.Items.TryGetValue(ServerMetrics.ErrorCodeItem, out var code) && code is string errorCode)
            {
                metrics.Error(protocol, errorCode);
            }
        }

        metrics.Request(protocol, route, status, elapsed);
    }

    private static string GrpcStatusName(string status) =>
        int.TryParse(status, CultureInfo.InvariantCulture, out var code) && Enum.IsDefined((StatusCode)code) ? ((StatusCode)code).ToString() : status;
}
