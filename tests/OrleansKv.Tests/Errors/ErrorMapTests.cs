using Grpc.Core;
using OrleansKv.Grains;
using OrleansKv.Server.Grpc;
using OrleansKv.Server.Protocols.Resp;
using OrleansKv.Server.Protocols.Text;
using OrleansKv.Server.Rest;

namespace OrleansKv.Tests.Errors;

/// <summary>
/// Every error code through every protocol's map, against one table: a code added without a mapping (or without a
/// row here) fails, and the REST, gRPC, RESP and text answers cannot drift apart.
/// </summary>
public sealed class ErrorMapTests
{
    /// <summary>The contract: code name, HTTP status, gRPC status, RESP prefix.</summary>
    private static readonly Dictionary<KvErrorCode, (string Name, int Http, StatusCode Grpc, string Resp)> Expected = new()
    {
        [KvErrorCode.InvalidArgument] = ("invalid_argument", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.InvalidKey] = ("invalid_key", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.InvalidTtl] = ("invalid_ttl", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.InvalidCondition] = ("invalid_condition", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.InvalidContentType] = ("invalid_content_type", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.InvalidValue] = ("invalid_value", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.InvalidOp] = ("invalid_op", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.InvalidPrefix] = ("invalid_prefix", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.InvalidLimit] = ("invalid_limit", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.InvalidOffset] = ("invalid_offset", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.OffsetTooLarge] = ("offset_too_large", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.InvalidCursor] = ("invalid_cursor", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.InvalidNamespace] = ("invalid_namespace", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.InvalidScopes] = ("invalid_scopes", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.InvalidLimits] = ("invalid_limits", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.MalformedJson] = ("malformed_json", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.MissingValue] = ("missing_value", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.EmptyBatch] = ("empty_batch", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.BatchTooLarge] = ("batch_too_large", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.BadRequest] = ("bad_request", 400, StatusCode.InvalidArgument, "ERR"),
        [KvErrorCode.NotFound] = ("not_found", 404, StatusCode.NotFound, "ERR"),
        [KvErrorCode.UnknownRoute] = ("unknown_route", 404, StatusCode.Unimplemented, "ERR"),
        [KvErrorCode.MethodNotAllowed] = ("method_not_allowed", 405, StatusCode.Unimplemented, "ERR"),
        [KvErrorCode.UnsupportedMediaType] = ("unsupported_media_type", 415, StatusCode.Unimplemented, "ERR"),
        [KvErrorCode.BinaryValue] = ("binary_value", 409, StatusCode.FailedPrecondition, "ERR"),
        [KvErrorCode.PreconditionFailed] = ("precondition_failed", 412, StatusCode.FailedPrecondition, "ERR"),
        [KvErrorCode.ValueTooLarge] = ("value_too_large", 413, StatusCode.ResourceExhausted, "ERR"),
        [KvErrorCode.QuotaExceeded] = ("quota_exceeded", 507, StatusCode.ResourceExhausted, "ERR"),
        [KvErrorCode.RateLimited] = ("rate_limited", 429, StatusCode.ResourceExhausted, "ERR"),
        [KvErrorCode.Unauthenticated] = ("unauthenticated", 401, StatusCode.Unauthenticated, "NOAUTH"),
        [KvErrorCode.Forbidden] = ("forbidden", 403, StatusCode.PermissionDenied, "NOPERM"),
        [KvErrorCode.Unavailable] = ("unavailable", 503, StatusCode.Unavailable, "ERR"),
        [KvErrorCode.JwtDisabled] = ("jwt_disabled", 501, StatusCode.Unimplemented, "ERR"),
        [KvErrorCode.Internal] = ("internal", 500, StatusCode.Internal, "ERR"),
    };

    public static TheoryData<KvErrorCode> EveryCode => [.. Enum.GetValues<KvErrorCode>()];

    [Theory]
    [MemberData(nameof(EveryCode))]
    public void EveryCodeMapsOnEveryProtocolAsTheTableSays(KvErrorCode code)
    {
        Assert.True(Expected.TryGetValue(code, out var expected), $"{code} has no row in the error table");
        var error = new KvError(code, "A sentence.");

        Assert.Equal(expected.Name, code.Name());
        Assert.Equal(expected.Http, RestErrorMap.Status(code));
        Assert.Equal(expected.Grpc, GrpcErrors.StatusOf(code));
        Assert.Equal(expected.Resp + " A sentence.", RespErrors.Reply(error));
        Assert.False(string.IsNullOrWhiteSpace(TextErrors.Message(error)));
    }

    [Theory]
    [MemberData(nameof(EveryCode))]
    public void TheGrpcStatusCarriesTheCodeNameAndTheSentence(KvErrorCode code)
    {
        var status = GrpcErrors.ToRpcException(new KvError(code, "A sentence."));

        Assert.Equal(code.Name(), status.Trailers.GetValue(GrpcErrors.CodeTrailer));
        Assert.Equal("A sentence.", status.Status.Detail);
    }

    [Fact]
    public void TheTextProtocolShowsNothingOfAnInternalFailure() =>
        Assert.Equal("internal error", TextErrors.Message(new KvError(KvErrorCode.Internal, "secret detail")));
}
