using OrleansKv.Grpc;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Hosting;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Grpc;

/// <summary>Wires the public gRPC API: <c>AddKvGrpc</c> registers it, <c>MapKvGrpc</c> maps it on the gRPC listener.</summary>
public static class KvGrpcExtensions
{
    /// <summary>
    /// The largest request message: a batch of eight values of MAX_VALUE_BYTES plus 4 MiB, the same bound as a REST
    /// batch body. A larger message is RESOURCE_EXHAUSTED; a smaller one whose value exceeds MAX_VALUE_BYTES is
    /// INVALID_ARGUMENT.
    /// </summary>
    public static int MaxMessageBytes(int maxValueBytes) => (int)Math.Min(int.MaxValue, (maxValueBytes * 8L) + (4L * 1024 * 1024));

    public static IServiceCollection AddKvGrpc(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddGrpcServer(o => o.MaxReceiveMessageSize = MaxMessageBytes(options.MaxValueBytes));
        services.AddSingleton<KvStoreGrpcService>();
        services.AddSingleton<IStartupFilter, KvGrpcDispatch>();
        return services;
    }

    /// <summary>Maps <c>orleanskv.v1.KvStore</c> and <c>grpc.health.v1.Health</c>, answering only on GRPC_PORT.</summary>
    public static WebApplication MapKvGrpc(this WebApplication app)
    {
        var registry = app.Services.GetRequiredService<GrpcServiceRegistry>();
        app.Services.GetRequiredService<KvStoreGrpcService>().Register(registry);
        GrpcHealthService.Register(registry);

        var mapped = app.MapGrpcServices(registry);
        mapped.WithMetadata(new ListenerMetadata(Listener.Grpc));
        foreach (var (method, endpoint) in mapped.Methods)
        {
            endpoint.WithMetadata(new RouteLabel(method.MetricsLabel!));
        }

        mapped.Unimplemented?.WithMetadata(new RouteLabel("grpc_unimplemented"));
        return app;
    }
}
