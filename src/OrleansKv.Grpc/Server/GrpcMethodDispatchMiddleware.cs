using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace OrleansKv.Grpc;

/// <summary>
/// Gives a call to a mapped gRPC method its endpoint before routing runs, from a table of the methods' paths;
/// routing then leaves the request alone (<c>EndpointRoutingMiddleware</c> skips a request whose endpoint is set).
/// </summary>
/// <remarks>
/// Where a method's path also matches a parameterized route (the UNIMPLEMENTED catch-all <c>/{service}/{method}</c>,
/// a REST catch-all) or an endpoint selector policy applies, routing's matcher allocates a candidate set and the
/// route values of every candidate on each request; here a call costs one dictionary lookup. Only an exact POST to a
/// method path that <c>accepts</c> admits is taken; anything else goes through routing as before. The table is
/// built from the application's endpoints on first use and again whenever they change.
/// </remarks>
internal sealed class GrpcMethodDispatchMiddleware
{
    private readonly RequestDelegate _next;
    private readonly EndpointDataSource _endpoints;
    private readonly Func<HttpContext, Endpoint, bool> _accepts;
    private volatile FrozenDictionary<string, Endpoint>? _table;

    public GrpcMethodDispatchMiddleware(RequestDelegate next, EndpointDataSource endpoints, Func<HttpContext, Endpoint, bool> accepts)
    {
        _next = next;
        _endpoints = endpoints;
        _accepts = accepts;
        ChangeToken.OnChange(endpoints.GetChangeToken, () => _table = null);
    }

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method)
            && request.Path.Value is { } path
            && (_table ?? BuildTable()).TryGetValue(path, out var endpoint)
            && context.GetEndpoint() is null
            && _accepts(context, endpoint))
        {
            context.SetEndpoint(endpoint);
        }

        return _next(context);
    }

    /// <summary>Every endpoint of a gRPC method by its path, case-insensitive as routing is; a path mapped twice is left to routing.</summary>
    private FrozenDictionary<string, Endpoint> BuildTable()
    {
        var byPath = new Dictionary<string, Endpoint?>(StringComparer.OrdinalIgnoreCase);
        foreach (var endpoint in _endpoints.Endpoints)
        {
            if (endpoint.Metadata.GetMetadata<GrpcMethodInfo>() is { } method && endpoint.RequestDelegate is not null)
            {
                byPath[method.FullName] = byPath.ContainsKey(method.FullName) ? null : endpoint;
            }
        }

        var table = byPath
            .Where(entry => entry.Value is not null)
            .ToFrozenDictionary(entry => entry.Key, entry => entry.Value!, StringComparer.OrdinalIgnoreCase);
        _table = table;
        return table;
    }
}

/// <summary>Adds <see cref="GrpcMethodDispatchMiddleware"/> to a pipeline.</summary>
public static class GrpcMethodDispatchExtensions
{
    /// <summary>
    /// Resolves calls to mapped gRPC methods by a path lookup instead of routing's matcher. Add it before
    /// <c>UseRouting</c>. <paramref name="accepts"/> says whether a request may take an endpoint (for instance, that it
    /// came in on the port the endpoint answers on); it must hold exactly when routing would pick that endpoint.
    /// </summary>
    public static IApplicationBuilder UseGrpcMethodDispatch(this IApplicationBuilder app, Func<HttpContext, Endpoint, bool> accepts)
    {
        ArgumentNullException.ThrowIfNull(accepts);
        var endpoints = app.ApplicationServices.GetRequiredService<EndpointDataSource>();
        return app.UseMiddleware<GrpcMethodDispatchMiddleware>(endpoints, accepts);
    }
}
