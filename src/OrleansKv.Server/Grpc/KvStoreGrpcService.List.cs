using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using OrleansKv.Grains;
using OrleansKv.Protocol.V1;
using OrleansKv.Server.Auth;
using ListRequest = OrleansKv.Protocol.V1.ListRequest;

namespace OrleansKv.Server.Grpc;

internal sealed partial class KvStoreGrpcService
{
    /// <summary>
    /// Streams the grain's listing straight to the client, one message per key: nothing is buffered beyond the
    /// grain's store page, and each write waits for HTTP/2 flow control, so a slow reader slows the listing down.
    /// </summary>
    [Authorize(Policy = KvPolicies.Read)]
    public override async Task List(ListRequest request, IServerStreamWriter<ListResponse> writer, ServerCallContext context)
    {
        KvProto.CheckPrefix(request.Prefix);
        if (request.StartAfter.Length > 0)
        {
            KvProto.CheckKey(request.StartAfter, "start_after");
        }

        if (request.Limit < 0)
        {
            throw new KvErrorException(KvErrorCode.InvalidLimit, "limit must be 0 (all keys) or positive.");
        }

        var query = new ListQuery(request.Prefix, request.StartAfter.Length > 0 ? request.StartAfter : null, request.Limit);
        var token = context.CancellationToken;
        await foreach (var item in Namespace(context).ListAsync(query, token).WithCancellation(token))
        {
            await writer.WriteAsync(
                new ListResponse { Key = item.Key, Size = item.Size, Etag = KvProto.ETag(item.Version), ExpiresAt = KvProto.Time(item.ExpiresAt) },
                token);
        }
    }
}
