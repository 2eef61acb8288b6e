using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansKv.Grains;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Namespaces;

namespace OrleansKv.Server.Rest;

/// <summary>
/// The root KVStore contract: <c>GET/POST/DELETE /{key}</c> with JSON string values. Paths under <c>/v1/</c> and
/// the operational routes are never keys here.
/// </summary>
internal static class RootKvApi
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private static readonly string[] ReservedPrefixes = ["v1/", "v1", "healthz", "readyz", "livez", "metrics"];

    /// <summary>
    /// The hottest routes are plain request delegates over services resolved once here: no per-request service
    /// scope and no parameter binding (these handlers read everything from the context themselves).
    /// </summary>
    public static IEndpointRouteBuilder MapRootKvApi(this IEndpointRouteBuilder app)
    {
        var grains = app.ServiceProvider.GetRequiredService<NamespaceCalls>();
        var options = app.ServiceProvider.GetRequiredService<IOptions<LimitsOptions>>();
        app.MapGet("/{**key}", context => Run(context, GetAsync(context, grains)))
            .RequireAuthorization(KvPolicies.Read).WithMetadata(new RouteLabel("root_get")).WithName("RootGet");
        app.MapPost("/{**key}", context => Run(context, SetAsync(context, grains, options)))
            .RequireAuthorization(KvPolicies.Write).WithMetadata(new RouteLabel("root_set")).WithName("RootSet");
        app.MapDelete("/{**key}", context => Run(context, DeleteAsync(context, grains)))
            .RequireAuthorization(KvPolicies.Write).WithMetadata(new RouteLabel("root_delete")).WithName("RootDelete");
        return app;
    }

    private static Task Run(HttpContext context, Task<IResult> handler)
    {
        return handler.IsCompletedSuccessfully ? handler.Result.ExecuteAsync(context) : AwaitThenRunAsync(context, handler);

        static async Task AwaitThenRunAsync(HttpContext context, Task<IResult> handler) => await (await handler).ExecuteAsync(context);
    }

    private static async Task<IResult> GetAsync(HttpContext context, NamespaceCalls grains)
    {
        if (!TryKey(context, out var key, out var error))
        {
            return error!;
        }

        var entry = await KvHttp.Namespace(context, grains).GetAsync(key, context.RequestAborted);
        if (entry is null)
        {
            return ApiErrors.NotFound();
        }

        if (PreEncodedJsonResult.TryValue(entry.Value) is { } preEncoded)
        {
            return preEncoded;
        }

        try
        {
            return TypedResults.Json(new RootValueResponse(StrictUtf8.GetString(entry.Value)), ServerJsonContext.Api.RootValueResponse);
        }
        catch (DecoderFallbackException)
        {
            return ApiErrors.Result(KvErrorCode.BinaryValue, "The value is binary, not UTF-8 text; read it with GET /v1/kv/{key}.");
        }
    }

    private static async Task<IResult> SetAsync(HttpContext context, NamespaceCalls grains, IOptions<LimitsOptions> options)
    {
        if (!TryKey(context, out var key, out var error))
        {
            return error!;
        }

        var max = options.Value.MaxValueBytes;
        // JSON may escape each value byte as \uXXXX (6 characters); at the largest MAX_VALUE_BYTES that exceeds an int.
        var (body, tooLarge) = await KvHttp.ReadBodyAsync(context.Request, (int)Math.Min(int.MaxValue - 1, (max * 6L) + 65536), "request body", context.RequestAborted);
        if (body is null)
        {
            return tooLarge!;
        }

        RootSetRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body, ServerJsonContext.Api.RootSetRequest);
        }
        catch (JsonException ex)
        {
            return ApiErrors.Result(KvErrorCode.MalformedJson, $"The body is not the expected JSON object {{\"value\": \"<string>\", \"ttl_seconds\": <seconds>}}: {ex.Message}");
        }

        if (request?.Value is null)
        {
            return ApiErrors.Result(KvErrorCode.MissingValue, "The body must carry \"value\", a JSON string.");
        }

        if (!KvHttp.TryTtl(request.TtlSeconds, out var ttl, out var ttlError))
        {
            return ttlError!;
        }

        var value = Encoding.UTF8.GetBytes(request.Value);
        if (value.Length > max)
        {
            return ApiErrors.Result(KvErrorCode.ValueTooLarge, $"The value is {value.Length} bytes; at most {max} bytes are accepted.");
        }

        await KvHttp.Namespace(context, grains).SetAsync(new SetCommand(key, value, "text/plain; charset=utf-8", ttl), context.RequestAborted);
        return PreEncodedJsonResult.MessageOk;
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, NamespaceCalls grains)
    {
        if (!TryKey(context, out var key, out var error))
        {
            return error!;
        }

        await KvHttp.Namespace(context, grains).DeleteAsync(key, null, context.RequestAborted);
        return PreEncodedJsonResult.MessageOk;
    }

    private static bool TryKey(HttpContext context, out string key, out IResult? error)
    {
        var path = context.Request.Path.Value ?? "/";
        foreach (var reserved in ReservedPrefixes)
        {
            // Case-insensitive like routing: GET /HEALTHZ is the health route, so POST /HEALTHZ must not make a key of it.
            if (path.AsSpan(1).Equals(reserved, StringComparison.OrdinalIgnoreCase) || (reserved.EndsWith('/') && path.AsSpan(1).StartsWith(reserved, StringComparison.OrdinalIgnoreCase)))
            {
                key = string.Empty;
                error = ApiErrors.Result(KvErrorCode.UnknownRoute, $"'{path}' is not a route; keys under /v1/ or named like an operational route are reached through /v1/kv/.");
                return false;
            }
        }

        return KeyPath.TryGetKey(context, "/", out key, out error);
    }
}
