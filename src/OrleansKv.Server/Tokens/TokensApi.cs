using System.Text.Json;
using OrleansKv.Grains;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Tokens;

/// <summary>
/// <c>/v1/tokens</c>: issue, list and revoke opaque tokens. The admin credential manages every namespace; a
/// token with the <c>admin</c> scope manages its own namespace only.
/// </summary>
internal static class TokensApi
{
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/tokens").RequireAuthorization(KvPolicies.Admin);
        group.MapPost("/", IssueAsync).WithMetadata(new RouteLabel("tokens_issue"));
        group.MapGet("/", ListAsync).WithMetadata(new RouteLabel("tokens_list"));
        group.MapDelete("/{id}", RevokeAsync).WithMetadata(new RouteLabel("tokens_revoke"));
        return app;
    }

    private static async Task<IResult> IssueAsync(HttpContext context, TokenRegistry registry)
    {
        var caller = KvPrincipal.From(context)!;
        var (body, tooLarge) = await KvHttp.ReadBodyAsync(context.Request, 64 * 1024, "request body", context.RequestAborted);
        if (body is null)
        {
            return tooLarge!;
        }

        IssueTokenRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body, ServerJsonContext.Api.IssueTokenRequest);
        }
        catch (JsonException ex)
        {
            return ApiErrors.Result(KvErrorCode.MalformedJson, $"The body must be {{\"namespace\": \"...\", \"scopes\": [\"read\", \"write\"], \"ttl_seconds\": <seconds>}}: {ex.Message}");
        }

        if (request is null)
        {
            return ApiErrors.Result(KvErrorCode.MalformedJson, "The body must be a JSON object {\"namespace\": \"...\", \"scopes\": [\"read\", \"write\"], \"ttl_seconds\": <seconds>}, not null.");
        }

        var ns = request.Namespace ?? caller.Namespace;
        if (!KeyRules.IsValidNamespace(ns))
        {
            return ApiErrors.Result(KvErrorCode.InvalidNamespace, "namespace must be 1–128 characters of A–Z, a–z, 0–9, '.', '_' or '-', starting with a letter or digit.");
        }

        if (!caller.IsClusterAdmin && ns != caller.Namespace)
        {
            return ApiErrors.Result(KvErrorCode.Forbidden, "This credential manages tokens of its own namespace only.");
        }

        var names = request.Scopes ?? ["read", "write"];
        var scopes = names.Any(string.IsNullOrWhiteSpace) ? KvScopes.None : KvPrincipal.ParseScopes(names);
        if (names.Length == 0 || scopes == KvScopes.None || KvPrincipal.ScopeNames(scopes).Length != names.Distinct(StringComparer.OrdinalIgnoreCase).Count())
        {
            return ApiErrors.Result(KvErrorCode.InvalidScopes, "scopes must be a non-empty list drawn from \"read\", \"write\" and \"admin\".");
        }

        if (!KvHttp.TryTtl(request.TtlSeconds, out var ttl, out var ttlError))
        {
            return ttlError!;
        }

        var (token, record) = await registry.IssueAsync(ns!, scopes, ttl, context.RequestAborted);
        return TypedResults.Json(
            new IssuedTokenResponse(record.Id, token, record.Namespace, record.Scopes, record.ExpiresAt),
            ServerJsonContext.Api.IssuedTokenResponse,
            statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext context, TokenRegistry registry)
    {
        var caller = KvPrincipal.From(context)!;
        var records = await registry.ListAsync(caller.IsClusterAdmin ? null : caller.Namespace, context.RequestAborted);
        var tokens = records.Select(r => new TokenInfo(r.Id, r.Namespace, r.Scopes, r.CreatedAt, r.ExpiresAt)).ToList();
        return TypedResults.Json(new TokenListResponse(tokens), ServerJsonContext.Api.TokenListResponse);
    }

    private static async Task<IResult> RevokeAsync(string id, HttpContext context, TokenRegistry registry)
    {
        var caller = KvPrincipal.From(context)!;
        var revoked = await registry.RevokeAsync(id, caller.IsClusterAdmin ? null : caller.Namespace, context.RequestAborted);
        return revoked ? TypedResults.NoContent() : ApiErrors.NotFound("No such token.");
    }
}
