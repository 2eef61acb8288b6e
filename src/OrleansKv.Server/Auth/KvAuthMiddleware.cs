using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authorization;
using OrleansKv.Grains;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Auth;

/// <summary>
/// Authentication and authorization of REST routes in one step, on the request path of every call: reads the
/// route's policy (its <see cref="IAuthorizeData"/>), checks the bearer credential and the scopes the policy
/// needs, and answers 401 (with <c>WWW-Authenticate: Bearer</c>) or 403 as JSON. It does what ASP.NET Core's
/// authentication and authorization middleware did for these routes without their per-request handler,
/// context and requirement objects. gRPC methods authorize themselves (their failures are statuses, not HTTP
/// codes); anonymous routes pass.
/// </summary>
internal sealed class KvAuthMiddleware(RequestDelegate next, CredentialValidator validator)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var policy = endpoint?.Metadata.GetMetadata<IAuthorizeData>()?.Policy;
        if (policy is null
            || endpoint!.Metadata.GetMetadata<IAllowAnonymous>() is not null
            || endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is not null)
        {
            await next(context);
            return;
        }

        var (principal, failure, hadCredential) = await KvAuthentication.AuthenticateAsync(context, validator);
        if (principal is null)
        {
            context.Response.Headers.WWWAuthenticate = hadCredential ? "Bearer error=\"invalid_token\"" : "Bearer";
            await ApiErrors.WriteAsync(context, KvErrorCode.Unauthenticated, failure ?? BearerCredential.Missing);
            return;
        }

        if (!KvPolicies.Allows(principal, policy))
        {
            await ApiErrors.WriteAsync(context, KvErrorCode.Forbidden, "The credential is valid but lacks the scope this call needs.");
            return;
        }

        await next(context);
    }
}
