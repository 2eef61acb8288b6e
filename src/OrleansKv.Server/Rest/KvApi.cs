using System.Globalization;
using Microsoft.Extensions.Options;
using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Namespaces;

namespace OrleansKv.Server.Rest;

/// <summary><c>/v1/kv/{key}</c>: raw bytes with metadata, conditions and TTL.</summary>
internal static class KvApi
{
    private const string Prefix = "/v1/kv/";

    public static IEndpointRouteBuilder MapKvApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/kv");
        group.MapGet("/{**key}", GetAsync).RequireAuthorization(KvPolicies.Read).WithMetadata(new RouteLabel("kv_get"));
        group.MapMethods("/{**key}", [HttpMethods.Head], HeadAsync).RequireAuthorization(KvPolicies.Read).WithMetadata(new RouteLabel("kv_head"));
        group.MapPut("/{**key}", PutAsync).RequireAuthorization(KvPolicies.Write).WithMetadata(new RouteLabel("kv_put"));
        group.MapDelete("/{**key}", DeleteAsync).RequireAuthorization(KvPolicies.Write).WithMetadata(new RouteLabel("kv_delete"));
        return app;
    }

    private static async Task<IResult> GetAsync(HttpContext context, NamespaceCalls grains)
    {
        var (entry, error) = await ReadAsync(context, grains);
        if (entry is null)
        {
            return error!;
        }

        if (NotModified(context, entry))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(entry.Value, entry.ContentType ?? "application/octet-stream");
    }

    private static async Task<IResult> HeadAsync(HttpContext context, NamespaceCalls grains)
    {
        var (entry, error) = await ReadAsync(context, grains);
        if (entry is null)
        {
            return error!;
        }

        context.Response.ContentType = entry.ContentType ?? "application/octet-stream";
        context.Response.ContentLength = entry.Value.Length;
        return NotModified(context, entry) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : TypedResults.Empty;
    }

    private static async Task<(StoredEntry? Entry, IResult? Error)> ReadAsync(HttpContext context, NamespaceCalls grains)
    {
        if (!KeyPath.TryGetKey(context, Prefix, out var key, out var error))
        {
            return (null, error);
        }

        var entry = await KvHttp.Namespace(context, grains).GetAsync(key, context.RequestAborted);
        if (entry is null)
        {
            return (null, ApiErrors.NotFound());
        }

        var headers = context.Response.Headers;
        headers.ETag = KvHttp.ETag(entry.Version);
        headers["X-Content-Sha256"] = entry.Sha256.ToHex();
        headers["X-Refs"] = entry.Refs.ToString(CultureInfo.InvariantCulture);
        headers["X-Created-At"] = KvHttp.Timestamp(entry.CreatedAt);
        headers["X-Updated-At"] = KvHttp.Timestamp(entry.UpdatedAt);
        if (entry.ExpiresAt is { } expiresAt)
        {
            headers["X-Expires-At"] = KvHttp.Timestamp(expiresAt);
        }

        return (entry, null);
    }

    private static bool NotModified(HttpContext context, StoredEntry entry)
    {
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        if (string.IsNullOrEmpty(ifNoneMatch))
        {
            return false;
        }

        return ifNoneMatch.Trim() == "*"
            || ifNoneMatch.Split(',').Any(tag => KvHttp.TryParseETag(tag, out var version) && version == entry.Version);
    }

    private static async Task<IResult> PutAsync(HttpContext context, NamespaceCalls grains, IOptions<LimitsOptions> options)
    {
        if (!KeyPath.TryGetKey(context, Prefix, out var key, out var error))
        {
            return error!;
        }

        var request = context.Request;
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0 && ifNoneMatch.Trim() != "*")
        {
            return ApiErrors.Result(KvErrorCode.InvalidCondition, "On PUT, If-None-Match supports only '*' (create only).");
        }

        TimeSpan? ttl = null;
        if (request.Headers.TryGetValue("X-TTL-Seconds", out var ttlHeader))
        {
            if (!long.TryParse(ttlHeader.ToString(), out var seconds) || !KvHttp.TryTtl(seconds, out ttl, out var ttlError))
            {
                return ApiErrors.Result(KvErrorCode.InvalidTtl, "X-TTL-Seconds must be a whole number from 1 to 315360000.");
            }
        }

        var contentType = request.ContentType;
        if (contentType is { Length: > 256 })
        {
            return ApiErrors.Result(KvErrorCode.InvalidContentType, "Content-Type is longer than 256 characters.");
        }

        var (body, tooLarge) = await KvHttp.ReadBodyAsync(request, options.Value.MaxValueBytes, "value", context.RequestAborted);
        if (body is null)
        {
            return tooLarge!;
        }

        var hash = ContentHash.Compute(body);
        var command = new SetCommand(key, body, contentType, ttl, KvHttp.IfMatch(request.Headers.IfMatch.ToString()), ifNoneMatch.Length > 0, hash);
        var result = await KvHttp.Namespace(context, grains).SetAsync(command, context.RequestAborted);
        if (result.Status == KvStatus.PreconditionFailed)
        {
            return ApiErrors.PreconditionFailed();
        }

        context.Response.Headers.ETag = KvHttp.ETag(result.Version);
        var response = new PutResponse(hash.ToHex(), result.Version);
        return result.Status == KvStatus.Created
            ? TypedResults.Json(response, ServerJsonContext.Api.PutResponse, statusCode: StatusCodes.Status201Created)
            : TypedResults.Json(response, ServerJsonContext.Api.PutResponse);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, NamespaceCalls grains)
    {
        if (!KeyPath.TryGetKey(context, Prefix, out var key, out var error))
        {
            return error!;
        }

        var result = await KvHttp.Namespace(context, grains).DeleteAsync(key, KvHttp.IfMatch(context.Request.Headers.IfMatch.ToString()), context.RequestAborted);
        return result.Status switch
        {
            KvStatus.Ok => TypedResults.NoContent(),
            KvStatus.NotFound => ApiErrors.NotFound(),
            _ => ApiErrors.PreconditionFailed(),
        };
    }
}
