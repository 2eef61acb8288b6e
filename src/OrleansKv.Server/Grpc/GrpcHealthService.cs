using OrleansKv.Grpc;
using OrleansKv.Protocol.Health;
using OrleansKv.Server.Health;

namespace OrleansKv.Server.Grpc;

/// <summary>
/// The standard <c>grpc.health.v1.Health/Check</c>, answering like <c>/readyz</c>: SERVING when the silo is Active
/// and its storage answers, else NOT_SERVING. The service name "" means the whole server; an unknown name is
/// NOT_FOUND, as the health checking protocol says. No credential needed. (Watch is not offered: UNIMPLEMENTED.)
/// </summary>
internal static class GrpcHealthService
{
    public const string ServiceName = "grpc.health.v1.Health";

    public static void Register(GrpcServiceRegistry registry) =>
        registry.AddUnary<HealthCheckRequest, HealthCheckResponse>($"/{ServiceName}/Check", HealthCheckRequest.Parser, CheckAsync)
            .WithMetricsLabel("grpc_health_check")
            .AllowAnonymousAccess();

    private static async ValueTask<HealthCheckResponse> CheckAsync(HealthCheckRequest request, GrpcCallContext call)
    {
        if (request.Service is not ("" or KvStoreGrpcService.ServiceName or ServiceName))
        {
            throw new RpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");
        }

        // Resolved per call, as the REST health routes do: the probe needs the storage, which is built on first use.
        var health = call.HttpContext.RequestServices.GetRequiredService<HealthProbe>();
        var (ready, _) = await health.CheckAsync(requireActive: true, call.CancellationToken);
        return new HealthCheckResponse
        {
            Status = ready ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing,
        };
    }
}
