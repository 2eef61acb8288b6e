using Microsoft.Extensions.Options;
using OrleansKv.Grpc;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Hosting;

namespace OrleansKv.Server.Grpc;

/// <summary>
/// Puts <see cref="GrpcMethodDispatchExtensions.UseGrpcMethodDispatch"/> at the head of the pipeline, before routing:
/// a call to a KvStore method on GRPC_PORT takes its endpoint from a path lookup. Routing would pick the same
/// endpoint (a literal path outranks the UNIMPLEMENTED and REST catch-alls; <see cref="ListenerMatcherPolicy"/>
/// keeps it to GRPC_PORT, and to every port of an in-memory test server, whose local port is 0), but its matcher
/// allocates a candidate set and route values per call on this port.
/// </summary>
internal sealed class KvGrpcDispatch(IOptions<ServerOptions> options) : IStartupFilter
{
    private readonly int _grpcPort = options.Value.GrpcPort;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseGrpcMethodDispatch(Accepts);
        next(app);
    };

    private bool Accepts(HttpContext context, Endpoint endpoint)
    {
        var port = context.Connection.LocalPort;
        return (port == 0 || port == _grpcPort)
            && endpoint.Metadata.GetMetadata<ListenerMetadata>() is { Listener: Listener.Grpc };
    }
}
