using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansKv.Grains;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Auth;

/// <summary>
/// <c>POST /v1/auth/token</c>: trades the caller's opaque token (the Authorization header) for a short-lived HS256
/// JWT with the same namespace and the same or fewer scopes. Only with JWT_SIGNING_KEY (else 501). The admin
/// credential has no namespace and cannot exchange; a JWT cannot be exchanged for a fresh one (no endless renewal).
/// A revoked opaque token's JWTs stay valid until they expire (at most 15 minutes).
/// </summary>
internal static class TokenExchangeApi
{
    public static IEndpointRouteBuilder MapTokenExchangeApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/auth/token", ExchangeAsync).RequireAuthorization(KvPolicies.Authenticated).WithMetadata(new RouteLabel("auth_token"));
        return app;
    }

    private static async Task<IResult> ExchangeAsync(HttpContext context, IServiceProvider services)
    {
        if (services.GetService<JwtTokenIssuer>() is not { } issuer)
        {
            return ApiErrors.Result(KvErrorCode.JwtDisabled, "Token exchange needs JWT_SIGNING_KEY, which this server does not have.");
        }

        var caller = KvPrincipal.From(context)!;
        if (caller.Namespace is null)
        {
            return Forbidden("The admin credential has no namespace and cannot be exchanged for a JWT.");
        }

        if (!BearerCredential.TryGet(context.Request, out ReadOnlyMemory<char> credential, out _) || OpaqueTokenValidator.LooksLikeJwt(credential.Span))
        {
            return Forbidden("Only an opaque token can be exchanged; a JWT cannot renew itself.");
        }

        var (body, tooLarge) = await KvHttp.ReadBodyAsync(context.Request, 16 * 1024, "request body", context.RequestAborted);
        if (body is null)
        {
            return tooLarge!;
        }

        var scopes = caller.Scopes;
        if (body.Length > 0)
        {
            ExchangeRequest? request;
            try
            {
                request = JsonSerializer.Deserialize(body, AuthJsonContext.Default.ExchangeRequest);
            }
            catch (JsonException ex)
            {
                return ApiErrors.Result(KvErrorCode.MalformedJson, $"The body must be empty or {{\"scopes\": [\"read\"]}}: {ex.Message}");
            }

            if (request?.Scopes is { } names)
            {
                var asked = KvPrincipal.ParseScopes(names);
                if (names.Length == 0 || asked == KvScopes.None || KvPrincipal.ScopeNames(asked).Length != names.Distinct(StringComparer.OrdinalIgnoreCase).Count())
                {
                    return ApiErrors.Result(KvErrorCode.InvalidScopes, "scopes must be a non-empty list drawn from \"read\", \"write\" and \"admin\".");
                }

                if ((asked & ~caller.Scopes) != KvScopes.None)
                {
                    return Forbidden("A JWT cannot carry scopes the exchanged token lacks.");
                }

                scopes = asked;
            }
        }

        var (token, expiresAt) = issuer.Issue(caller.Namespace, scopes, caller.Subject);
        var response = new ExchangeResponse(token, "Bearer", expiresAt, caller.Namespace, KvPrincipal.ScopeNames(scopes));
        return TypedResults.Json(response, AuthJsonContext.Default.ExchangeResponse);
    }

    private static IResult Forbidden(string message) => ApiErrors.Result(KvErrorCode.Forbidden, message);
}

/// <summary>Optional body of <c>POST /v1/auth/token</c>: fewer scopes than the token has.</summary>
public sealed record ExchangeRequest([property: JsonPropertyName("scopes")] string[]? Scopes);

/// <summary>Answer of <c>POST /v1/auth/token</c>.</summary>
public sealed record ExchangeResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("scopes")] string[] Scopes);

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.Strict, AllowTrailingCommas = false)]
[JsonSerializable(typeof(ExchangeRequest))]
[JsonSerializable(typeof(ExchangeResponse))]
internal sealed partial class AuthJsonContext : JsonSerializerContext;
