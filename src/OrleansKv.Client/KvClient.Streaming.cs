using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using OrleansKv.Protocol.V1;

namespace OrleansKv.Client;

public sealed partial class KvClient
{
    /// <summary>
    /// Streams the keys of the namespace in byte order, as the server reads them (never the whole listing at once).
    /// Stop early with <c>break</c> or the token: the call is cancelled on the server too.
    /// </summary>
    /// <param name="prefix">Only keys starting with this; empty for all.</param>
    /// <param name="startAfter">Only keys after this one (resume a listing from its last key).</param>
    /// <param name="limit">At most this many keys; 0 for all.</param>
    /// <param name="timeout">Deadline of the whole listing; null for none.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public async IAsyncEnumerable<KvKeyInfo> ListAsync(
        string prefix = "",
        string? startAfter = null,
        int limit = 0,
        TimeSpan? timeout = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var request = new ListRequest { Prefix = prefix, StartAfter = startAfter ?? string.Empty, Limit = limit };
        using var call = _client.List(request, CallOptions(timeout, cancellationToken));
        var stream = call.ResponseStream;
        while (true)
        {
            ListResponse item;
            try
            {
                if (!await stream.MoveNext(cancellationToken))
                {
                    yield break;
                }

                item = stream.Current;
            }
            catch (RpcException ex)
            {
                throw KvErrors.Translate(ex, cancellationToken);
            }

            yield return new KvKeyInfo(item.Key, item.Size, item.Etag, item.ExpiresAt?.ToDateTimeOffset());
        }
    }

    /// <summary>
    /// Runs up to 1000 operations in order; all writes apply atomically or none do. A failed condition is not an
    /// exception: <see cref="KvBatchResult.Applied"/> is false and the results say which operation failed.
    /// </summary>
    public async Task<KvBatchResult> BatchAsync(IEnumerable<KvBatchOperation> operations, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var request = new BatchRequest();
        foreach (var operation in operations)
        {
            request.Ops.Add(ToProto(operation));
        }

        var response = await UnaryAsync(static (c, r, o) => c.BatchAsync(r, o), request, timeout, cancellationToken);
        var results = response.Results
            .Select(r => new KvBatchOpResult(
                ToStatus(r.Status),
                r.Key,
                r.Value.Memory,
                r.Etag.Length == 0 ? null : r.Etag,
                r.ContentType.Length == 0 ? null : r.ContentType,
                r.ExpiresAt?.ToDateTimeOffset(),
                r.Deleted))
            .ToList();
        return new KvBatchResult(response.Applied, results);
    }

    private static BatchOp ToProto(KvBatchOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var op = new BatchOp
        {
            Key = operation.Key,
            Op = operation.Kind switch
            {
                KvBatchOpKind.Put => BatchOp.Types.Kind.Put,
                KvBatchOpKind.Get => BatchOp.Types.Kind.Get,
                KvBatchOpKind.Delete => BatchOp.Types.Kind.Delete,
                _ => throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "Unknown batch operation kind."),
            },
        };
        if (operation.Kind == KvBatchOpKind.Put)
        {
            op.Value = ByteString.CopyFrom(operation.Value.Span);
        }

        if (operation.Options is { } options)
        {
            op.IfNoneMatch = options.IfNoneMatch;
            if (options.Ttl is { } ttl)
            {
                op.TtlSeconds = TtlSeconds(ttl);
            }

            if (options.IfMatch is { } ifMatch)
            {
                op.IfMatch = ifMatch;
            }

            if (options.ContentType is { } contentType)
            {
                op.ContentType = contentType;
            }
        }

        return op;
    }

    private static KvBatchOpStatus ToStatus(BatchResult.Types.Status status) => status switch
    {
        BatchResult.Types.Status.Ok => KvBatchOpStatus.Ok,
        BatchResult.Types.Status.Created => KvBatchOpStatus.Created,
        BatchResult.Types.Status.NotFound => KvBatchOpStatus.NotFound,
        BatchResult.Types.Status.PreconditionFailed => KvBatchOpStatus.PreconditionFailed,
        _ => KvBatchOpStatus.Aborted,
    };
}
