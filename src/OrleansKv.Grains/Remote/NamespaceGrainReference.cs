using System.Buffers;
using OrleansKv.Grains.Storage;
using OrleansKv.Runtime;
using Proto = OrleansKv.Grains.Protocol;

namespace OrleansKv.Grains;

/// <summary>The reference to a namespace grain: turns each method call into a request for the runtime.</summary>
internal sealed class NamespaceGrainReference(GrainId grainId, IGrainCallInvoker invoker) : GrainReference(grainId, invoker), INamespaceGrain
{
    public ValueTask<StoredEntry?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Invoker.InvokeAsync(GrainId, new GetRequest(key), cancellationToken);

    public ValueTask<SetResult> SetAsync(SetCommand command, CancellationToken cancellationToken = default) =>
        Invoker.InvokeAsync(GrainId, new SetRequest(command), cancellationToken);

    public ValueTask<DeleteResult> DeleteAsync(string key, long? ifMatch = null, CancellationToken cancellationToken = default) =>
        Invoker.InvokeAsync(GrainId, new DeleteRequest(key, ifMatch), cancellationToken);

    public IAsyncEnumerable<EntrySummary> ListAsync(ListQuery query, CancellationToken cancellationToken = default) =>
        Invoker.InvokeStreamAsync(GrainId, new ListRequest(query), cancellationToken);

    public ValueTask<BatchResult> BatchAsync(IReadOnlyList<BatchOperation> operations, CancellationToken cancellationToken = default) =>
        Invoker.InvokeAsync(GrainId, new BatchRequest(operations), cancellationToken);

    public ValueTask<NamespaceStats> GetStatsAsync(CancellationToken cancellationToken = default) =>
        Invoker.InvokeAsync(GrainId, StatsRequest.Instance, cancellationToken);
}

/// <summary>Decodes remote calls to <see cref="INamespaceGrain"/>.</summary>
internal sealed class NamespaceGrainCodec : IGrainRequestCodec
{
    public bool TryReadRequest(int methodId, ReadOnlySequence<byte> arguments, out GrainRequest? request)
    {
        request = methodId switch
        {
            NamespaceMethods.Get => new GetRequest(Proto.KeyCall.Parser.ParseFrom(arguments).Key),
            NamespaceMethods.Set => SetRequest.Read(arguments),
            NamespaceMethods.Delete => ReadDelete(arguments),
            NamespaceMethods.List => ListRequest.Read(arguments),
            NamespaceMethods.Batch => new BatchRequest([.. Proto.BatchCall.Parser.ParseFrom(arguments).Ops.Select(ProtoMapping.FromProto)]),
            NamespaceMethods.Stats => StatsRequest.Instance,
            _ => null,
        };
        return request is not null;
    }

    private static DeleteRequest ReadDelete(ReadOnlySequence<byte> arguments)
    {
        var call = Proto.KeyCall.Parser.ParseFrom(arguments);
        return new DeleteRequest(call.Key, call.HasIfMatch ? call.IfMatch : null);
    }
}
