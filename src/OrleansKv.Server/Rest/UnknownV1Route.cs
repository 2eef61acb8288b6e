using Microsoft.AspNetCore.Routing.Template;
using OrleansKv.Grains;
using OrleansKv.Server.Health;

namespace OrleansKv.Server.Rest;

/// <summary>
/// The fallback for <c>/v1/...</c> paths no route took, so that they are never read as root keys: 405 with
/// <c>Allow</c> when a /v1 route has the path but not the method (<c>PATCH /v1/kv/k</c>, <c>POST /v1/keys</c>),
/// else 404. Routing cannot tell these apart itself, because this catch-all accepts every method.
/// </summary>
internal static class UnknownV1Route
{
    public static IEndpointRouteBuilder MapUnknownV1Route(this IEndpointRouteBuilder app)
    {
        app.Map("/v1/{**rest}", Answer).AllowAnonymous().WithMetadata(new RouteLabel("unknown"), new AnonymousRoute());
        return app;
    }

    private static IResult Answer(HttpContext context, EndpointDataSource endpoints)
    {
        var allowed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.RoutePattern.RawText is not { } pattern
                || !pattern.StartsWith("/v1/", StringComparison.Ordinal)
                || endpoint.Metadata.GetMetadata<RouteLabel>()?.Name == "unknown"
                || endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } methods)
            {
                continue;
            }

            var matcher = new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), []);
            if (matcher.TryMatch(context.Request.Path, []))
            {
                allowed.UnionWith(methods.HttpMethods);
            }
        }

        if (allowed.Count == 0)
        {
            return ApiErrors.Result(KvErrorCode.UnknownRoute, "No such /v1 route.");
        }

        context.Response.Headers.Allow = string.Join(", ", allowed);
        return ApiErrors.Result(KvErrorCode.MethodNotAllowed, $"The route does not support {context.Request.Method}; it supports {string.Join(", ", allowed)}.");
    }
}
