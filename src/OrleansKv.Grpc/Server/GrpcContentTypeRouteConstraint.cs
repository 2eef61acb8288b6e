using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace OrleansKv.Grpc;

/// <summary>
/// Matches only requests whose content type is gRPC, so the unimplemented-method route catches
/// unknown <c>/package.Service/Method</c> calls and never ordinary two-segment HTTP requests.
/// </summary>
internal sealed class GrpcContentTypeRouteConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        httpContext is not null && GrpcProtocol.IsGrpcContentType(httpContext.Request.ContentType);
}
