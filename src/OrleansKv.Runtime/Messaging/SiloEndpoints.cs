using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Grpc;
using OrleansKv.Runtime.Messaging.Protocol;

namespace OrleansKv.Runtime.Messaging;

/// <summary>Maps the silo protocol (grain calls and probes from other silos) onto the server's routing.</summary>
public static class SiloEndpoints
{
    /// <summary>
    /// Maps the silo protocol's methods; the caller restricts them to the silo port. Silo-to-silo traffic is
    /// not authenticated: keep the silo port on a private network (a Kubernetes NetworkPolicy, say).
    /// </summary>
    public static GrpcEndpointConventionBuilder MapOrleansKvSilo(this IEndpointRouteBuilder endpoints)
    {
        var handler = endpoints.ServiceProvider.GetRequiredService<IncomingCallHandler>();
        var registry = new GrpcServiceRegistry();
        registry.AddUnary<InvokeRequest, InvokeResponse>(GrpcRemoteGrainInvoker.InvokeMethod, InvokeRequest.Parser, handler.InvokeAsync)
            .WithMetricsLabel("silo_invoke").AllowAnonymousAccess();
        registry.AddServerStreaming<InvokeRequest, StreamMessage>(GrpcRemoteGrainInvoker.InvokeStreamMethod, InvokeRequest.Parser, handler.InvokeStreamAsync)
            .WithMetricsLabel("silo_invoke_stream").AllowAnonymousAccess();
        registry.AddUnary<ProbeRequest, ProbeResponse>(GrpcRemoteGrainInvoker.ProbeMethod, ProbeRequest.Parser, handler.ProbeAsync)
            .WithMetricsLabel("silo_probe").AllowAnonymousAccess();
        return endpoints.MapGrpcServices(registry, mapUnimplemented: false);
    }
}
