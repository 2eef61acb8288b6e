using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansKv.Grains;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Namespaces;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Limits;

/// <summary>
/// <c>/v1/namespaces/{ns}/limits</c>: a namespace's rate and quotas. GET answers the admin credential and the
/// namespace's own admin-scope credentials; PUT only the admin credential (a tenant cannot raise its own limits).
/// </summary>
internal static class LimitsApi
{
    private const string Shape = "{\"ops_per_second\", \"burst\", \"max_keys\", \"max_bytes\", \"max_value_bytes\"}, each a whole number or null (the default)";

    public static IEndpointRouteBuilder MapLimitsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/namespaces/{ns}/limits").RequireAuthorization(KvPolicies.Admin);
        group.MapGet("/", GetAsync).WithMetadata(new RouteLabel("limits_get"));
        group.MapPut("/", PutAsync).WithMetadata(new RouteLabel("limits_put"));
        return app;
    }

    private static async Task<IResult> GetAsync(string ns, HttpContext context, NamespaceCalls grains, NamespaceLimitsCache limits)
    {
        var caller = KvPrincipal.From(context)!;
        if (Refusal(ns, caller, write: false) is { } refusal)
        {
            return refusal;
        }

        var info = await grains.GetLimitsAsync(ns, context.RequestAborted);
        return Answer(ns, info, limits);
    }

    private static async Task<IResult> PutAsync(string ns, HttpContext context, NamespaceCalls grains, NamespaceLimitsCache limits, IOptions<LimitsOptions> options)
    {
        var caller = KvPrincipal.From(context)!;
        if (Refusal(ns, caller, write: true) is { } refusal)
        {
            return refusal;
        }

        var (body, tooLarge) = await KvHttp.ReadBodyAsync(context.Request, 4096, "request body", context.RequestAborted);
        if (body is null)
        {
            return tooLarge!;
        }

        LimitsRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body, ServerJsonContext.Api.LimitsRequest);
        }
        catch (JsonException ex)
        {
            return ApiErrors.Result(KvErrorCode.MalformedJson, $"The body must be {Shape}: {ex.Message}");
        }

        if (request is null)
        {
            return ApiErrors.Result(KvErrorCode.MalformedJson, $"The body must be a JSON object {Shape}, not null.");
        }

        var overrides = new NamespaceLimits(request.OpsPerSecond, request.Burst, request.MaxKeys, request.MaxBytes, request.MaxValueBytes);
        if (overrides.Problem(options.Value.MaxValueBytes) is { } problem)
        {
            return ApiErrors.Result(KvErrorCode.InvalidLimits, problem);
        }

        var info = await grains.SetLimitsAsync(ns, overrides, context.RequestAborted);
        limits.Update(ns, info.Overrides);
        return Answer(ns, info, limits);
    }

    private static IResult? Refusal(string ns, KvPrincipal caller, bool write)
    {
        if (!KeyRules.IsValidNamespace(ns))
        {
            return ApiErrors.Result(KvErrorCode.InvalidNamespace, "namespace must be 1–128 characters of A–Z, a–z, 0–9, '.', '_' or '-', starting with a letter or digit.");
        }

        if (write && !caller.IsClusterAdmin)
        {
            return ApiErrors.Result(KvErrorCode.Forbidden, "Only the admin credential (ADMIN_TOKEN) sets limits.");
        }

        return caller.IsClusterAdmin || caller.Namespace == ns
            ? null
            : ApiErrors.Result(KvErrorCode.Forbidden, "This credential reads the limits of its own namespace only.");
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<LimitsResponse> Answer(string ns, NamespaceLimitsInfo info, NamespaceLimitsCache limits)
    {
        var rate = limits.RateOf(info.Overrides);
        var o = info.Overrides;
        var response = new LimitsResponse(
            ns,
            rate.OpsPerSecond,
            rate.Burst,
            info.Quotas.MaxKeys,
            info.Quotas.MaxBytes,
            info.Quotas.MaxValueBytes,
            new LimitsRequest(o.OpsPerSecond, o.Burst, o.MaxKeys, o.MaxBytes, o.MaxValueBytes),
            new LimitsUsage(info.Keys, info.Bytes));
        return TypedResults.Json(response, ServerJsonContext.Api.LimitsResponse);
    }
}
