using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.Options;
using OrleansKv.Server.Configuration;

namespace OrleansKv.Server.Hosting;

/// <summary>The ports the server listens on, each for one kind of traffic.</summary>
public enum Listener
{
    /// <summary>REST (HTTP_PORT).</summary>
    Http,

    /// <summary>The public gRPC API (GRPC_PORT).</summary>
    Grpc,
}

/// <summary>
/// Endpoint metadata: the endpoint answers only on this listener's port. gRPC endpoints also answer gRPC-Web calls
/// on the HTTP port, told from REST by their content type (<c>application/grpc-web...</c>).
/// </summary>
public sealed record ListenerMetadata(Listener Listener);

/// <summary>
/// Keeps each endpoint on its own port by the connection's local port (not the Host header, which a proxy or
/// a Kubernetes Service rewrites): REST routes never answer on the gRPC port and vice versa. In-memory test
/// servers have no local port and see every endpoint. It is a node-building policy, so the port is one more
/// edge of routing's DFA, decided by a jump table: a request does not take the matcher's slow path (a candidate
/// set and route values per request) that a per-request endpoint selector would force on every route.
/// </summary>
internal sealed class ListenerMatcherPolicy : MatcherPolicy, INodeBuilderPolicy
{
    private readonly ListenerOptions _options;

    public ListenerMatcherPolicy(IOptions<ListenerOptions> options) => _options = options.Value;

    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(e => e.Metadata.GetMetadata<ListenerMetadata>() is not null);

    public IReadOnlyList<PolicyNodeEdge> GetEdges(IReadOnlyList<Endpoint> endpoints)
    {
        // One edge per listener with its endpoints and those bound to none; one for gRPC-Web on the HTTP port (the
        // HTTP and gRPC endpoints); one for an unknown port (only the unbound ones); one for in-memory servers (all).
        var edges = new List<PolicyNodeEdge>();
        foreach (var listener in Enum.GetValues<Listener>())
        {
            edges.Add(new PolicyNodeEdge(new PortEdge(listener), endpoints.Where(e => ListenerOf(e) is null || ListenerOf(e) == listener).ToArray()));
        }

        edges.Add(new PolicyNodeEdge(PortEdge.GrpcWeb, endpoints.ToArray()));
        edges.Add(new PolicyNodeEdge(PortEdge.Unknown, endpoints.Where(e => ListenerOf(e) is null).ToArray()));
        edges.Add(new PolicyNodeEdge(PortEdge.InMemory, endpoints.ToArray()));
        return edges;
    }

    public PolicyJumpTable BuildJumpTable(int exitDestination, IReadOnlyList<PolicyJumpTableEdge> edges)
    {
        var destinations = new int[Enum.GetValues<Listener>().Length + 3];
        Array.Fill(destinations, exitDestination);
        foreach (var edge in edges)
        {
            destinations[((PortEdge)edge.State).Index] = edge.Destination;
        }

        return new PortJumpTable(_options.HttpPort, _options.GrpcPort, destinations);
    }

    private static Listener? ListenerOf(Endpoint endpoint) => endpoint.Metadata.GetMetadata<ListenerMetadata>()?.Listener;

    /// <summary>An edge of the DFA: a listener, gRPC-Web on the HTTP port, an unknown port, or an in-memory server (no port).</summary>
    private sealed record PortEdge(Listener? Listener, int Extra = 0)
    {
        public static readonly PortEdge GrpcWeb = new(null, 1);
        public static readonly PortEdge Unknown = new(null, 2);
        public static readonly PortEdge InMemory = new(null, 3);

        private static readonly int ListenerCount = Enum.GetValues<Listener>().Length;

        public int Index => Listener is { } listener ? (int)listener : ListenerCount + Extra - 1;
    }

    private sealed class PortJumpTable(int httpPort, int grpcPort, int[] destinations) : PolicyJumpTable
    {
        public override int GetDestination(HttpContext httpContext)
        {
            var port = httpContext.Connection.LocalPort;
            return port == 0 ? destinations[^1]
                : port == httpPort ? destinations[Grpc.GrpcContentType.IsGrpcWeb(httpContext.Request.ContentType) ? ^3 : (int)Listener.Http]
                : port == grpcPort ? destinations[(int)Listener.Grpc]
                : destinations[^2];
        }
    }
}
