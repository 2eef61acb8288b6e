using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using OrleansKv.Grains;
using OrleansKv.Server.Grpc;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Auth;

/// <summary>
/// How a refusal by the authorization middleware is answered, in each protocol's own error form: for REST the
/// JSON error contract (401 <c>unauthenticated</c> with <c>WWW-Authenticate: Bearer</c>, 403 <c>forbidden</c>);
/// for gRPC and gRPC-Web a trailers-only response with UNAUTHENTICATED or PERMISSION_DENIED. The message says
/// why: the authentication failure, or the scope the policy found missing.
/// </summary>
internal sealed class KvAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) =>
        authorizeResult.Succeeded ? next(context) : AnswerRefusalAsync(context, authorizeResult);

    private static async Task AnswerRefusalAsync(HttpContext context, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
        {
            var reason = authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault()?.Message
                ?? "The credential is valid but lacks the scope this call needs.";
            await RefuseAsync(context, new KvError(KvErrorCode.Forbidden, reason));
            return;
        }

        // The handler caches its result for the request, so this asks again only for the reason it gave.
        var authenticated = await context.AuthenticateAsync();
        var hadCredential = context.Request.Headers.Authorization.Count > 0;
        var failure = authenticated.Failure?.Message ?? BearerCredential.Missing;
        if (!GrpcContentType.IsGrpc(context.Request.ContentType))
        {
            context.Response.Headers.WWWAuthenticate = hadCredential ? "Bearer error=\"invalid_token\"" : "Bearer";
        }

        await RefuseAsync(context, new KvError(KvErrorCode.Unauthenticated, failure));
    }

    private static Task RefuseAsync(HttpContext context, KvError error)
    {
        if (!GrpcContentType.IsGrpc(context.Request.ContentType))
        {
            return ApiErrors.WriteAsync(context, error);
        }

        context.Items[Metrics.ServerMetrics.ErrorCodeItem] = error.CodeName;
        GrpcTrailersOnly.Write(context, error);
        return Task.CompletedTask;
    }
}
