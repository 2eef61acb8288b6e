using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OrleansKv.Grains;
using OrleansKv.Protocol.V1;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Health;
using OrleansKv.Server.Namespaces;
using DeleteRequest = OrleansKv.Protocol.V1.DeleteRequest;
using GetRequest = OrleansKv.Protocol.V1.GetRequest;
using SetRequest = OrleansKv.Protocol.V1.SetRequest;

namespace OrleansKv.Server.Grpc;

/// <summary>
/// <c>orleanskv.v1.KvStore</c> (protos/kvstore.proto) on the gRPC listener: each method turns the request into one
/// grain call and the result into a response or a status. <see cref="KvGrpcInterceptor"/> signs the caller in against
/// the policy each method names and maps the exceptions that escape.
/// </summary>
internal sealed partial class KvStoreGrpcService : KvStore.KvStoreBase
{
    public const string ServiceName = "orleanskv.v1.KvStore";

    private readonly NamespaceCalls _grains;
    private readonly int _maxValueBytes;
    private readonly IAuthorizationService _authorization;

    public KvStoreGrpcService(NamespaceCalls grains, IOptions<LimitsOptions> options, IAuthorizationService authorization)
    {
        _grains = grains;
        _authorization = authorization;
        _maxValueBytes = options.Value.MaxValueBytes;
    }

    [Authorize(Policy = KvPolicies.Read)]
    public override async Task<GetResponse> Get(GetRequest request, ServerCallContext context)
    {
        KvProto.CheckKey(request.Key);
        var entry = await Namespace(context).GetAsync(request.Key, context.CancellationToken)
            ?? throw GrpcErrors.FromStatus(KvStatus.NotFound)!;
        return new GetResponse
        {
            Value = KvProto.Bytes(entry.Value),
            Etag = KvProto.ETag(entry.Version),
            ContentType = entry.ContentType ?? string.Empty,
            CreatedAt = KvProto.Time(entry.CreatedAt),
            UpdatedAt = KvProto.Time(entry.UpdatedAt),
            ExpiresAt = KvProto.Time(entry.ExpiresAt),
            Sha256 = entry.Sha256.ToHex(),
            Refs = entry.Refs,
        };
    }

    [Authorize(Policy = KvPolicies.Write)]
    public override async Task<SetResponse> Set(SetRequest request, ServerCallContext context)
    {
        KvProto.CheckKey(request.Key);
        KvProto.CheckValue(request.Value, _maxValueBytes);
        var ttl = KvProto.Ttl(request.HasTtlSeconds, request.TtlSeconds);
        var ifMatch = KvProto.IfMatch(request.HasIfMatch, request.IfMatch);
        if (ifMatch is not null && request.IfNoneMatch)
        {
            throw new KvErrorException(KvErrorCode.InvalidCondition, "if_match and if_none_match exclude each other.");
        }

        var command = new SetCommand(request.Key, KvProto.Array(request.Value), KvProto.ContentType(request.ContentType), ttl, ifMatch, request.IfNoneMatch);
        var result = await Namespace(context).SetAsync(command, context.CancellationToken);
        return GrpcErrors.FromStatus(result.Status) is { } failure
            ? throw failure
            : new SetResponse { Etag = KvProto.ETag(result.Version), Created = result.Status == KvStatus.Created };
    }

    [Authorize(Policy = KvPolicies.Write)]
    public override async Task<DeleteResponse> Delete(DeleteRequest request, ServerCallContext context)
    {
        KvProto.CheckKey(request.Key);
        var ifMatch = KvProto.IfMatch(request.HasIfMatch, request.IfMatch);
        var result = await Namespace(context).DeleteAsync(request.Key, ifMatch, context.CancellationToken);

        // Idempotent: an absent key is not an error unless a condition was given (then the grain says so).
        return result.Status == KvStatus.NotFound || GrpcErrors.FromStatus(result.Status) is not { } failure
            ? new DeleteResponse { Deleted = result.Status == KvStatus.Ok }
            : throw failure;
    }

    [AllowAnonymous]
    public override async Task<HealthCheckResponse> HealthCheck(HealthCheckRequest request, ServerCallContext context)
    {
        // Resolved per call, as the REST health routes do: the probe needs the storage, which is built on first use.
        var health = context.GetHttpContext().RequestServices.GetRequiredService<HealthProbe>();
        var (healthy, _) = await health.CheckAsync(requireActive: false, context.CancellationToken);
        return new HealthCheckResponse { Healthy = healthy, Silo = health.Silo.Silo.ToString(), ClusterSize = health.Silo.ClusterSize };
    }

    private NamespaceHandle Namespace(ServerCallContext context) => _grains.Admit(GrpcAuth.Caller(context));
}
