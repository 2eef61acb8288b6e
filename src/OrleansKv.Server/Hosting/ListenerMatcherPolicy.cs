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

    /// <summary>Silo-to-silo traffic (SILO_PORT).</summary>
    Silo,
}

/// <summary>Endpoint metadata: the endpoint answers only on this listener's port.</summary>
public sealed record ListenerMetadata(Listener Listener);

/// <summary>
/// Keeps each endpoint on its own port by the connection's local port (not the Host header, which a proxy or
/// a Kubernetes Service rewrites): REST routes never answer on the gRPC port and vice versa. In-memory test
/// servers have no local port and see every endpoint.
/// </summary>
internal sealed class ListenerMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    private readonly ServerOptions _options;

    public ListenerMatcherPolicy(IOptions<ServerOptions> options) => _options = options.Value;

    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(e => e.Metadata.GetMetadata<ListenerMetadata>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var port = httpContext.Connection.LocalPort;
        if (port == 0)
        {
            return Task.CompletedTask;
        }

        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i)
                && candidates[i].Endpoint.Metadata.GetMetadata<ListenerMetadata>() is { } listener
                && PortOf(listener.Listener) != port)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }

    private int PortOf(Listener listener) => listener switch
    {
        Listener.Http => _options.HttpPort,
        Listener.Grpc => _options.GrpcPort,
        _ => _options.SiloPort,
    };
}
