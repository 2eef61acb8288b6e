using Microsoft.AspNetCore.Authorization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansKv.Grains;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Namespaces;

namespace OrleansKv.Server.Rest;

/// <summary><c>POST /v1/batch</c>: up to 1000 operations; every write applies or none does (412 then).</summary>
internal static class BatchApi
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static IEndpointRouteBuilder MapBatchApi(this IEndpointRouteBuilder app)
    {
        // Reading needs 'read'; a batch that writes also needs 'write' (checked in the handler).
        app.MapPost("/v1/batch", BatchAsync).RequireAuthorization(KvPolicies.Read).WithMetadata(new RouteLabel("batch"));
        return app;
    }

    private static async Task<IResult> BatchAsync(HttpContext context, NamespaceCalls grains, IOptions<LimitsOptions> options, IAuthorizationService authorization)
    {
        var maxValue = options.Value.MaxValueBytes;
        var (body, tooLarge) = await KvHttp.ReadBodyAsync(context.Request, (int)Math.Min(int.MaxValue - 1, (maxValue * 8L) + (4L * 1024 * 1024)), "batch", context.RequestAborted);
        if (body is null)
        {
            return tooLarge!;
        }

        BatchOpRequest[]? requests;
        try
        {
            requests = JsonSerializer.Deserialize(body, ServerJsonContext.Api.BatchOpRequestArray);
        }
        catch (JsonException ex)
        {
            return ApiErrors.Result(KvErrorCode.MalformedJson, $"The body must be a JSON array of operations: {ex.Message}");
        }

        if (requests is null || requests.Length == 0)
        {
            return ApiErrors.Result(KvErrorCode.EmptyBatch, "The batch holds no operations.");
        }

        if (requests.Length > KeyRules.MaxBatchOperations)
        {
            return ApiErrors.Result(KvErrorCode.BatchTooLarge, $"A batch holds at most {KeyRules.MaxBatchOperations} operations, not {requests.Length}.");
        }

        if (Array.IndexOf(requests, null) is var hole and >= 0)
        {
            return ApiErrors.Result(KvErrorCode.MalformedJson, $"Operation {hole} is null; every operation is a JSON object.");
        }

        var operations = new BatchOperation[requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            if (!TryParse(requests[i], i, maxValue, out operations[i], out var problem))
            {
                return problem!;
            }
        }

        if (operations.Any(o => o.Kind != BatchOpKind.Get) && await authorization.DenialAsync(context.User, KvPolicies.Write) is { } denial)
        {
            return ApiErrors.Result(KvErrorCode.Forbidden, "This batch writes: " + denial);
        }

        var result = await KvHttp.Namespace(context, grains).BatchAsync(operations, context.RequestAborted);
        var response = new BatchResponse([.. result.Results.Select(ToResult)], result.Applied);
        return TypedResults.Json(response, ServerJsonContext.Api.BatchResponse, statusCode: result.Applied ? StatusCodes.Status200OK : StatusCodes.Status412PreconditionFailed);
    }

    private static bool TryParse(BatchOpRequest request, int index, int maxValue, out BatchOperation operation, out IResult? problem)
    {
        operation = null!;
        problem = null;
        var where = $"Operation {index}";
        if (KeyRules.ValidateKey(request.Key) is { } keyProblem)
        {
            problem = ApiErrors.Result(KvErrorCode.InvalidKey, $"{where}: {keyProblem}");
            return false;
        }

        var ifMatch = KvHttp.IfMatch(request.IfMatch, $"{where}: if_match");
        var ifNoneMatch = request.IfNoneMatch is not null;
        if (ifNoneMatch && request.IfNoneMatch!.Trim() != "*")
        {
            problem = ApiErrors.Result(KvErrorCode.InvalidCondition, $"{where}: if_none_match supports only \"*\".");
            return false;
        }

        switch (request.Op?.ToUpperInvariant())
        {
            case "GET":
                operation = new BatchOperation(BatchOpKind.Get, request.Key!);
                return true;
            case "DELETE":
                operation = new BatchOperation(BatchOpKind.Delete, request.Key!, IfMatch: ifMatch);
                return true;
            case "PUT":
                if (!KvHttp.TryTtl(request.TtlSeconds, out var ttl, out problem))
                {
                    return false;
                }

                byte[] value;
                if (request.Value is not null && request.ValueBase64 is null)
                {
                    value = Encoding.UTF8.GetBytes(request.Value);
                }
                else if (request.ValueBase64 is not null && request.Value is null)
                {
                    try
                    {
                        value = Convert.FromBase64String(request.ValueBase64);
                    }
                    catch (FormatException)
                    {
                        problem = ApiErrors.Result(KvErrorCode.InvalidValue, $"{where}: value_base64 is not base64.");
                        return false;
                    }
                }
                else
                {
                    problem = ApiErrors.Result(KvErrorCode.MissingValue, $"{where}: a put needs exactly one of \"value\" (string) or \"value_base64\".");
                    return false;
                }

                if (request.ContentType is { Length: > 256 })
                {
                    problem = ApiErrors.Result(KvErrorCode.InvalidContentType, $"{where}: content_type is longer than 256 characters.");
                    return false;
                }

                if (value.Length > maxValue)
                {
                    problem = ApiErrors.Result(KvErrorCode.ValueTooLarge, $"{where}: the value is {value.Length} bytes; at most {maxValue} bytes are accepted.");
                    return false;
                }

                operation = new BatchOperation(BatchOpKind.Put, request.Key!, value, request.ContentType, ttl, ifMatch, ifNoneMatch);
                return true;
            default:
                problem = ApiErrors.Result(KvErrorCode.InvalidOp, $"{where}: op must be \"put\", \"get\" or \"delete\".");
                return false;
        }
    }

    private static BatchOpResult ToResult(BatchOutcome outcome)
    {
        var op = outcome.Kind.ToString().ToLowerInvariant();
        var status = outcome.Status switch
        {
            KvStatus.Ok => "ok",
            KvStatus.Created => "created",
            KvStatus.NotFound => "not_found",
            KvStatus.PreconditionFailed => "precondition_failed",
            _ => "aborted",
        };
        if (outcome.Entry is not { } entry)
        {
            return new BatchOpResult(op, outcome.Key, status, outcome.Version > 0 ? KvHttp.ETag(outcome.Version) : null);
        }

        string? text = null;
        string? base64 = null;
        try
        {
            text = StrictUtf8.GetString(entry.Value);
        }
        catch (DecoderFallbackException)
        {
            base64 = Convert.ToBase64String(entry.Value);
        }

        return new BatchOpResult(op, outcome.Key, status, KvHttp.ETag(entry.Version), text, base64, entry.ContentType, KvHttp.Time(entry.ExpiresAt), entry.Sha256.ToHex(), entry.Refs);
    }
}
