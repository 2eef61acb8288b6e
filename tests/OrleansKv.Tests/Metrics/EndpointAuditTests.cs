using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using OrleansKv.Server.Rest;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Metrics;

/// <summary>Walks the server's endpoint registry: every route and gRPC method must carry a metrics label and an
/// explicit auth decision (a policy, or a deliberate anonymous marker).</summary>
public sealed class EndpointAuditTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryEndpointHasAMetricsLabelAndAnAuthPolicy(bool clustered)
    {
        var settings = clustered ? new Dictionary<string, string?> { ["REDIS_URL"] = "127.0.0.1:1,abortConnect=false" } : null;
        await using var server = InProcessServer.Build(settings);
        var endpoints = ((IEndpointRouteBuilder)server.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);

        var problems = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var label = endpoint.Metadata.GetMetadata<RouteLabel>()?.Name;
            var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).FirstOrDefault(p => p is not null);
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            if (string.IsNullOrEmpty(label))
            {
                problems.Add($"{endpoint.DisplayName} ({endpoint.RoutePattern.RawText}) has no metrics label");
            }

            if (policy is null && !anonymous)
            {
                problems.Add($"{endpoint.DisplayName} ({endpoint.RoutePattern.RawText}) has no auth policy and is not marked anonymous");
            }
        }

        Assert.Empty(problems);
        Assert.Contains(endpoints, e => e.Metadata.GetMetadata<RouteLabel>()?.Name == "metrics");
    }
}
