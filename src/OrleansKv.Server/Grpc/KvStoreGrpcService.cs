using Google.Protobuf;
using Microsoft.Extensions.Options;
using OrleansKv.Grains;
using OrleansKv.Grpc;
using OrleansKv.Protocol.V1;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Namespaces;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Health;
using BatchRequest = OrleansKv.Protocol.V1.BatchRequest;
using DeleteRequest = OrleansKv.Protocol.V1.DeleteRequest;
using GetRequest = OrleansKv.Protocol.V1.GetRequest;
using ListRequest = OrleansKv.Protocol.V1.ListRequest;
using SetRequest = OrleansKv.Protocol.V1.SetRequest;

namespace OrleansKv.Server.Grpc;

/// <summary>
/// <c>orleanskv.v1.KvStore</c> (protos/kvstore.proto) on the gRPC listener: each method authenticates the caller,
/// checks its scope, turns the request into one grain call and the result into a response or a status.
/// </summary>
internal sealed partial class KvStoreGrpcService
{
    public const string ServiceName = "orleanskv.v1.KvStore";

    private readonly NamespaceCalls _grains;
    private readonly CredentialValidator _validator;
    private readonly int _maxValueBytes;

    public KvStoreGrpcService(NamespaceCalls grains, CredentialValidator validator, IOptions<ServerOptions> options)
    {
        _grains = grains;
        _validator = validator;
        _maxValueBytes = options.Value.MaxValueBytes;
    }

    public void Register(GrpcServiceRegistry registry)
    {
        AddUnary(registry, "Get", GetRequest.Parser, KvScopes.Read, GetAsync);
        AddUnary(registry, "Set", SetRequest.Parser, KvScopes.Write, SetAsync);
        AddUnary(registry, "Delete", DeleteRequest.Parser, KvScopes.Write, DeleteAsync);

        // Reading needs 'read'; a batch that writes also needs 'write', checked once its ops are parsed (as REST).
        AddUnary(registry, "Batch", BatchRequest.Parser, KvScopes.Read, BatchAsync);
        registry.AddServerStreaming<ListRequest, ListResponse>(Path("List"), ListRequest.Parser, GuardStreaming<ListRequest, ListResponse>(ListAsync))
            .WithMetricsLabel(Label("List"))
            .RequireAuthorization(GrpcAuth.PolicyOf(KvScopes.Read));
        registry.AddUnary<HealthCheckRequest, HealthCheckResponse>(Path("HealthCheck"), HealthCheckRequest.Parser, Guard<HealthCheckRequest, HealthCheckResponse>(HealthCheckAsync))
            .WithMetricsLabel(Label("HealthCheck"))
            .AllowAnonymousAccess();
    }

    private async ValueTask<GetResponse> GetAsync(GetRequest request, KvPrincipal caller, GrpcCallContext call)
    {
        KvProto.CheckKey(request.Key);
        var entry = await Namespace(caller).GetAsync(request.Key, call.CancellationToken)
            ?? throw GrpcErrors.FromStatus(KvStatus.NotFound)!;
        var response = new GetResponse
        {
            Value = KvProto.Bytes(entry.Value),
            Etag = KvProto.ETag(entry.Version),
            ContentType = entry.ContentType ?? string.Empty,
            CreatedAt = KvProto.Time(entry.CreatedAt),
            UpdatedAt = KvProto.Time(entry.UpdatedAt),
            ExpiresAt = KvProto.Time(entry.ExpiresAt),
            Sha256 = Convert.ToHexStringLower(entry.Sha256),
            Refs = entry.Refs,
        };
        return response;
    }

    private async ValueTask<SetResponse> SetAsync(SetRequest request, KvPrincipal caller, GrpcCallContext call)
    {
        KvProto.CheckKey(request.Key);
        KvProto.CheckValue(request.Value, _maxValueBytes);
        var ttl = KvProto.Ttl(request.HasTtlSeconds, request.TtlSeconds);
        var ifMatch = KvProto.IfMatch(request.HasIfMatch, request.IfMatch);
        if (ifMatch is not null && request.IfNoneMatch)
        {
            throw GrpcErrors.InvalidArgument("if_match and if_none_match exclude each other.");
        }

        var command = new SetCommand(request.Key, KvProto.Array(request.Value), KvProto.ContentType(request.ContentType), ttl, ifMatch, request.IfNoneMatch);
        var result = await Namespace(caller).SetAsync(command, call.CancellationToken);
        return GrpcErrors.FromStatus(result.Status) is { } failure
            ? throw failure
            : new SetResponse { Etag = KvProto.ETag(result.Version), Created = result.Status == KvStatus.Created };
    }

    private async ValueTask<DeleteResponse> DeleteAsync(DeleteRequest request, KvPrincipal caller, GrpcCallContext call)
    {
        KvProto.CheckKey(request.Key);
        var ifMatch = KvProto.IfMatch(request.HasIfMatch, request.IfMatch);
        var result = await Namespace(caller).DeleteAsync(request.Key, ifMatch, call.CancellationToken);

        // Idempotent: an absent key is not an error unless a condition was given (then the grain says so).
        return result.Status == KvStatus.NotFound || GrpcErrors.FromStatus(result.Status) is not { } failure
            ? new DeleteResponse { Deleted = result.Status == KvStatus.Ok }
            : throw failure;
    }

    private static async ValueTask<HealthCheckResponse> HealthCheckAsync(HealthCheckRequest request, GrpcCallContext call)
    {
        // Resolved per call, as the REST health routes do: the probe needs the storage, which is built on first use.
        var health = call.HttpContext.RequestServices.GetRequiredService<HealthProbe>();
        var (healthy, _) = await health.CheckAsync(requireActive: false, call.CancellationToken);
        return new HealthCheckResponse { Healthy = healthy, Silo = health.Silo.Silo.ToString(), ClusterSize = health.Silo.ClusterSize };
    }

    private NamespaceHandle Namespace(KvPrincipal caller) => _grains.Admit(caller);

    private static string Path(string method) => $"/{ServiceName}/{method}";

    private static string Label(string method) => "grpc_" + method.ToLowerInvariant();

    /// <summary>Registers a unary method that needs <paramref name="scope"/>; the handler gets the checked caller.</summary>
    private void AddUnary<TRequest, TResponse>(
        GrpcServiceRegistry registry,
        string method,
        MessageParser<TRequest> parser,
        KvScopes scope,
        Func<TRequest, KvPrincipal, GrpcCallContext, ValueTask<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        registry.AddUnary(Path(method), parser, new AuthorizedUnary<TRequest, TResponse>(_validator, scope, handler).InvokeAsync)
            .WithMetricsLabel(Label(method))
            .RequireAuthorization(GrpcAuth.PolicyOf(scope));
    }

    /// <summary>Maps what escapes a handler through <see cref="GrpcErrors.FromException"/>.</summary>
    private static Func<TRequest, GrpcCallContext, ValueTask<TResponse>> Guard<TRequest, TResponse>(Func<TRequest, GrpcCallContext, ValueTask<TResponse>> handler) =>
        async (request, call) =>
        {
            try
            {
                return await handler(request, call);
            }
            catch (Exception ex) when (GrpcErrors.FromException(ex) is { } status)
            {
                throw status;
            }
        };

    private static Func<TRequest, IGrpcStreamWriter<TResponse>, GrpcCallContext, Task> GuardStreaming<TRequest, TResponse>(
        Func<TRequest, IGrpcStreamWriter<TResponse>, GrpcCallContext, Task> handler)
        where TResponse : IMessage =>
        async (request, writer, call) =>
        {
            try
            {
                await handler(request, writer, call);
            }
            catch (Exception ex) when (GrpcErrors.FromException(ex) is { } status)
            {
                throw status;
            }
        };
}
