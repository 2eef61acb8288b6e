using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace OrleansKv.Grpc;

/// <summary>Maps a <see cref="GrpcServiceRegistry"/> onto ASP.NET Core routing.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    private const string LoggerCategory = "OrleansKv.Grpc";

    /// <summary>Maps the registry registered by <c>AddGrpcServer</c>.</summary>
    public static GrpcEndpointConventionBuilder MapGrpcServices(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGrpcServices(endpoints.ServiceProvider.GetRequiredService<GrpcServiceRegistry>());

    /// <summary>
    /// Maps every method of <paramref name="registry"/> as a POST endpoint at its path, carrying its
    /// <see cref="GrpcMethodInfo"/> as endpoint metadata. With <paramref name="mapUnimplemented"/>, also maps
    /// <c>/{service}/{method}</c> for gRPC content types only, answering UNIMPLEMENTED (map it once per
    /// host/port, or two such routes are ambiguous).
    /// </summary>
    public static GrpcEndpointConventionBuilder MapGrpcServices(
        this IEndpointRouteBuilder endpoints, GrpcServiceRegistry registry, bool mapUnimplemented = true)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var services = endpoints.ServiceProvider;
        var options = services.GetService<IOptions<GrpcServerOptions>>()?.Value ?? new GrpcServerOptions();
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger(LoggerCategory) ?? NullLogger.Instance;
        var runtime = new GrpcServerRuntime(options, logger);
        var result = new GrpcEndpointConventionBuilder();

        foreach (var handler in registry.Handlers)
        {
            var builder = endpoints
                .Map(RoutePatternFactory.Parse(handler.Info.FullName), httpContext => handler.HandleAsync(httpContext, runtime))
                .WithMetadata(new HttpMethodMetadata([HttpMethods.Post]), handler.Info)
                .WithDisplayName("gRPC " + handler.Info.FullName);
            result.AddMethod(handler.Info, builder);
        }

        if (mapUnimplemented)
        {
            var unimplemented = new UnimplementedMethodHandler(registry, runtime);
            var pattern = RoutePatternFactory.Parse(
                "/{service}/{method}",
                defaults: null,
                parameterPolicies: new RouteValueDictionary { ["service"] = new GrpcContentTypeRouteConstraint() });
            var builder = endpoints
                .Map(pattern, unimplemented.HandleAsync)
                .WithMetadata(new HttpMethodMetadata([HttpMethods.Post]))
                .WithDisplayName("gRPC unimplemented method");
            builder.Add(b => ((RouteEndpointBuilder)b).Order = int.MaxValue);
            result.SetUnimplemented(builder);
        }

        return result;
    }
}
