using System.IO.Compression;
using Grpc.AspNetCore.Server;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Health;
using OrleansKv.Server.Hosting;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Grpc;

/// <summary>
/// Wires the public gRPC API on Grpc.AspNetCore: <c>AddKvGrpc</c> registers it, <c>MapKvGrpc</c> maps
/// <c>orleanskv.v1.KvStore</c>, the standard health service and server reflection on the gRPC listener, and for
/// gRPC-Web callers on the HTTP listener too (<see cref="ListenerMatcherPolicy"/> tells them by content type).
/// </summary>
public static class KvGrpcExtensions
{
    /// <summary>
    /// The largest request message: a batch of eight values of MAX_VALUE_BYTES plus 4 MiB, the same bound as a REST
    /// batch body. A larger message is RESOURCE_EXHAUSTED; a smaller one whose value exceeds MAX_VALUE_BYTES is
    /// INVALID_ARGUMENT.
    /// </summary>
    public static int MaxMessageBytes(int maxValueBytes) => (int)Math.Min(int.MaxValue, (maxValueBytes * 8L) + (4L * 1024 * 1024));

    public static IServiceCollection AddKvGrpc(this IServiceCollection services, LimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = MaxMessageBytes(limits.MaxValueBytes);
            o.MaxSendMessageSize = null;

            // gzip answers only callers that sent gzip themselves (KvGrpcInterceptor); gzip requests are always read.
            o.ResponseCompressionAlgorithm = "gzip";
            o.ResponseCompressionLevel = CompressionLevel.Fastest;
        }).AddServiceOptions<KvStoreGrpcService>(o => o.Interceptors.Add<KvGrpcInterceptor>());
        services.AddSingleton<KvGrpcInterceptor>();
        services.AddSingleton<KvStoreGrpcService>();
        services.AddGrpcReflection();
        services.AddKvHealthChecks();
        services.AddGrpcHealthChecks(o =>
        {
            o.Services.Map(string.Empty, r => r.Tags.Contains(KvHealthChecks.Ready));
            o.Services.Map(KvStoreGrpcService.ServiceName, r => r.Tags.Contains(KvHealthChecks.Ready));
        });
        return services;
    }

    /// <summary>Maps the gRPC services; each endpoint carries its metrics label and its auth decision.</summary>
    public static WebApplication MapKvGrpc(this WebApplication app)
    {
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        OnGrpcListener(app.MapGrpcService<KvStoreGrpcService>(), m => "grpc_" + m.Name.ToLowerInvariant());
        OnGrpcListener(app.MapGrpcHealthChecksService(), m => "grpc_health_" + m.Name.ToLowerInvariant()).AllowAnonymous();

        // grpc.reflection.v1 and v1alpha: one label each.
        OnGrpcListener(app.MapGrpcReflectionService(), m => "grpc_reflection_" + m.ServiceName.Split('.')[^2]).AllowAnonymous();
        return app;
    }

    private static TBuilder OnGrpcListener<TBuilder>(TBuilder builder, Func<global::Grpc.Core.IMethod, string> label)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new ListenerMetadata(Listener.Grpc));

        // The HTTP rate limiting middleware passes gRPC calls by: a KvStore call takes its permit in the service, once it
        // knows the caller (NamespaceCalls.Admit), so none is counted twice; health and reflection calls are not limited.
        builder.DisableRateLimiting();
        builder.Add(endpoint =>
        {
            var method = endpoint.Metadata.OfType<GrpcMethodMetadata>().FirstOrDefault();
            endpoint.Metadata.Add(new RouteLabel(method is null ? "grpc_unimplemented" : label(method.Method)));
            if (method is null)
            {
                // UNIMPLEMENTED for unknown methods needs no credential.
                endpoint.Metadata.Add(new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute());
            }
        });
        return builder;
    }
}
