using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansKv.Grpc;

/// <summary>Registers the gRPC server options and a <see cref="GrpcServiceRegistry"/> singleton.</summary>
public static class GrpcServiceCollectionExtensions
{
    public static IServiceCollection AddGrpcServer(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        var options = services.AddOptions<GrpcServerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options
            .Validate(o => o.MaxReceiveMessageSize > 0, $"{nameof(GrpcServerOptions)}.{nameof(GrpcServerOptions.MaxReceiveMessageSize)} must be positive.")
            .Validate(o => o.MaxSendMessageSize is null or > 0, $"{nameof(GrpcServerOptions)}.{nameof(GrpcServerOptions.MaxSendMessageSize)} must be positive or null.")
            .ValidateOnStart();
        services.TryAddSingleton<GrpcServiceRegistry>();
        return services;
    }
}
