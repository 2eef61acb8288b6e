using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using OrleansKv.Grains;
using OrleansKv.Protocol.V1;
using OrleansKv.Server.Auth;
using BatchRequest = OrleansKv.Protocol.V1.BatchRequest;
using GrainBatchResult = OrleansKv.Grains.BatchResult;
using ProtoBatchResult = OrleansKv.Protocol.V1.BatchResult;

namespace OrleansKv.Server.Grpc;

internal sealed partial class KvStoreGrpcService
{
    /// <summary>
    /// Up to 1000 ops, all writes atomically or none. As REST: a failed condition is an answer, not an error —
    /// <c>applied = false</c> with each op's status — so the client sees which op failed.
    /// </summary>
    /// <remarks>Reading needs 'read'; a batch that writes also needs 'write', checked once its ops are parsed (as REST).</remarks>
    [Authorize(Policy = KvPolicies.Read)]
    public override async Task<BatchResponse> Batch(BatchRequest request, ServerCallContext context)
    {
        if (request.Ops.Count == 0)
        {
            throw new KvErrorException(KvErrorCode.EmptyBatch, "The batch holds no operations.");
        }

        if (request.Ops.Count > KeyRules.MaxBatchOperations)
        {
            throw new KvErrorException(KvErrorCode.BatchTooLarge, $"A batch holds at most {KeyRules.MaxBatchOperations} operations, not {request.Ops.Count}.");
        }

        var operations = new BatchOperation[request.Ops.Count];
        for (var i = 0; i < operations.Length; i++)
        {
            operations[i] = ToOperation(request.Ops[i], $"Operation {i}");
        }

        if (Array.Exists(operations, o => o.Kind != BatchOpKind.Get))
        {
            await _authorization.RequirePolicyAsync(context, KvPolicies.Write);
        }

        var result = await Namespace(context).BatchAsync(operations, context.CancellationToken);
        return ToResponse(result);
    }

    private BatchOperation ToOperation(BatchOp op, string where)
    {
        KvProto.CheckKey(op.Key, where);
        var ifMatch = KvProto.IfMatch(op.HasIfMatch, op.IfMatch, where);
        switch (op.Op)
        {
            case BatchOp.Types.Kind.Get:
                return new BatchOperation(BatchOpKind.Get, op.Key);
            case BatchOp.Types.Kind.Delete:
                return new BatchOperation(BatchOpKind.Delete, op.Key, IfMatch: ifMatch);
            case BatchOp.Types.Kind.Put:
                KvProto.CheckValue(op.Value, _maxValueBytes, where);
                if (ifMatch is not null && op.IfNoneMatch)
                {
                    throw new KvErrorException(KvErrorCode.InvalidCondition, $"{where}: if_match and if_none_match exclude each other.");
                }

                var ttl = KvProto.Ttl(op.HasTtlSeconds, op.TtlSeconds, where);
                return new BatchOperation(BatchOpKind.Put, op.Key, KvProto.Array(op.Value), KvProto.ContentType(op.ContentType, where), ttl, ifMatch, op.IfNoneMatch);
            default:
                throw new KvErrorException(KvErrorCode.InvalidOp, $"{where}: op must be PUT, GET or DELETE.");
        }
    }

    private static BatchResponse ToResponse(GrainBatchResult result)
    {
        var response = new BatchResponse { Applied = result.Applied };
        foreach (var outcome in result.Results)
        {
            var item = new ProtoBatchResult
            {
                Status = outcome.Status switch
                {
                    KvStatus.Ok => ProtoBatchResult.Types.Status.Ok,
                    KvStatus.Created => ProtoBatchResult.Types.Status.Created,
                    KvStatus.NotFound => ProtoBatchResult.Types.Status.NotFound,
                    KvStatus.PreconditionFailed => ProtoBatchResult.Types.Status.PreconditionFailed,
                    _ => ProtoBatchResult.Types.Status.Aborted,
                },
                Key = outcome.Key,
                Deleted = outcome.Kind == BatchOpKind.Delete && outcome.Status == KvStatus.Ok && result.Applied,
            };
            if (outcome.Entry is { } entry)
            {
                item.Value = KvProto.Bytes(entry.Value);
                item.Etag = KvProto.ETag(entry.Version);
                item.ContentType = entry.ContentType ?? string.Empty;
                item.ExpiresAt = KvProto.Time(entry.ExpiresAt);
                item.Sha256 = entry.Sha256.ToHex();
                item.Refs = entry.Refs;
            }
            else if (outcome.Version > 0)
            {
                item.Etag = KvProto.ETag(outcome.Version);
            }

            response.Results.Add(item);
        }

        return response;
    }
}
