using System.Buffers;
using Google.Protobuf;
using OrleansKv.Grains.Storage;
using OrleansKv.Runtime;
using Proto = OrleansKv.Grains.Protocol;

namespace OrleansKv.Grains;

/// <summary>Method ids of <see cref="INamespaceGrain"/> on the wire; never reuse a number.</summary>
internal static class NamespaceMethods
{
    public const int Get = 1;
    public const int Set = 2;
    public const int Delete = 3;
    public const int List = 4;
    public const int Batch = 5;
    public const int Stats = 6;
}

internal sealed class GetRequest(string key) : GrainRequest<INamespaceGrain, StoredEntry?>
{
    public override int MethodId => NamespaceMethods.Get;

    public override string MethodName => "Get";

    public override TurnKind Kind => TurnKind.Interleave;

    public override ValueTask<StoredEntry?> InvokeAsync(INamespaceGrain grain, CancellationToken cancellationToken) => grain.GetAsync(key, cancellationToken);

    public override void WriteArguments(IBufferWriter<byte> output) => new Proto.KeyCall { Key = key }.WriteTo(output);

    public override void WriteResult(StoredEntry? result, IBufferWriter<byte> output) => new Proto.GetReply { Entry = ProtoMapping.ToProto(result) }.WriteTo(output);

    public override StoredEntry? ReadResult(ReadOnlySequence<byte> payload) => ProtoMapping.FromProto(Proto.GetReply.Parser.ParseFrom(payload).Entry);
}

internal sealed class SetRequest(SetCommand command) : GrainRequest<INamespaceGrain, SetResult>
{
    public override int MethodId => NamespaceMethods.Set;

    public override string MethodName => "Set";

    public override ValueTask<SetResult> InvokeAsync(INamespaceGrain grain, CancellationToken cancellationToken) => grain.SetAsync(command, cancellationToken);

    public override void WriteArguments(IBufferWriter<byte> output)
    {
        var call = new Proto.SetCall { Key = command.Key, Value = UnsafeByteOperations.UnsafeWrap(command.Value), IfNoneMatch = command.IfNoneMatch };
        if (command.ContentType is not null)
        {
            call.ContentType = command.ContentType;
        }

        if (command.Ttl is { } ttl)
        {
            call.TtlMs = (long)ttl.TotalMilliseconds;
        }

        if (command.IfMatch is { } ifMatch)
        {
            call.IfMatch = ifMatch;
        }

        call.WriteTo(output);
    }

    public static SetRequest Read(ReadOnlySequence<byte> arguments)
    {
        var call = Proto.SetCall.Parser.ParseFrom(arguments);
        return new SetRequest(new SetCommand(
            call.Key,
            call.Value.ToByteArray(),
            call.HasContentType ? call.ContentType : null,
            call.HasTtlMs ? TimeSpan.FromMilliseconds(call.TtlMs) : null,
            call.HasIfMatch ? call.IfMatch : null,
            call.IfNoneMatch));
    }

    public override void WriteResult(SetResult result, IBufferWriter<byte> output) => new Proto.StatusReply { Status = (int)result.Status, Version = result.Version }.WriteTo(output);

    public override SetResult ReadResult(ReadOnlySequence<byte> payload)
    {
        var reply = Proto.StatusReply.Parser.ParseFrom(payload);
        return new SetResult((KvStatus)reply.Status, reply.Version);
    }
}

internal sealed class DeleteRequest(string key, long? ifMatch) : GrainRequest<INamespaceGrain, DeleteResult>
{
    public override int MethodId => NamespaceMethods.Delete;

    public override string MethodName => "Delete";

    public override ValueTask<DeleteResult> InvokeAsync(INamespaceGrain grain, CancellationToken cancellationToken) => grain.DeleteAsync(key, ifMatch, cancellationToken);

    public override void WriteArguments(IBufferWriter<byte> output)
    {
        var call = new Proto.KeyCall { Key = key };
        if (ifMatch is { } version)
        {
            call.IfMatch = version;
        }

        call.WriteTo(output);
    }

    public override void WriteResult(DeleteResult result, IBufferWriter<byte> output) => new Proto.StatusReply { Status = (int)result.Status }.WriteTo(output);

    public override DeleteResult ReadResult(ReadOnlySequence<byte> payload) => new((KvStatus)Proto.StatusReply.Parser.ParseFrom(payload).Status);
}

internal sealed class BatchRequest(IReadOnlyList<BatchOperation> operations) : GrainRequest<INamespaceGrain, BatchResult>
{
    public override int MethodId => NamespaceMethods.Batch;

    public override string MethodName => "Batch";

    public override ValueTask<BatchResult> InvokeAsync(INamespaceGrain grain, CancellationToken cancellationToken) => grain.BatchAsync(operations, cancellationToken);

    public override void WriteArguments(IBufferWriter<byte> output)
    {
        var call = new Proto.BatchCall();
        call.Ops.AddRange(operations.Select(ProtoMapping.ToProto));
        call.WriteTo(output);
    }

    public override void WriteResult(BatchResult result, IBufferWriter<byte> output)
    {
        var reply = new Proto.BatchReply { Applied = result.Applied };
        reply.Results.AddRange(result.Results.Select(ProtoMapping.ToProto));
        reply.WriteTo(output);
    }

    public override BatchResult ReadResult(ReadOnlySequence<byte> payload)
    {
        var reply = Proto.BatchReply.Parser.ParseFrom(payload);
        return new BatchResult(reply.Applied, [.. reply.Results.Select(ProtoMapping.FromProto)]);
    }
}

internal sealed class StatsRequest : GrainRequest<INamespaceGrain, NamespaceStats>
{
    public static readonly StatsRequest Instance = new();

    public override int MethodId => NamespaceMethods.Stats;

    public override string MethodName => "Stats";

    public override TurnKind Kind => TurnKind.Interleave;

    public override ValueTask<NamespaceStats> InvokeAsync(INamespaceGrain grain, CancellationToken cancellationToken) => grain.GetStatsAsync(cancellationToken);

    public override void WriteArguments(IBufferWriter<byte> output)
    {
    }

    public override void WriteResult(NamespaceStats result, IBufferWriter<byte> output) =>
        new Proto.StatsReply { Keys = result.Keys, Bytes = result.Bytes, Revision = result.Revision }.WriteTo(output);

    public override NamespaceStats ReadResult(ReadOnlySequence<byte> payload)
    {
        var reply = Proto.StatsReply.Parser.ParseFrom(payload);
        return new NamespaceStats(reply.Keys, reply.Bytes, reply.Revision);
    }
}

internal sealed class ListRequest(ListQuery query) : GrainStreamRequest<INamespaceGrain, EntrySummary>
{
    public override int MethodId => NamespaceMethods.List;

    public override string MethodName => "List";

    public override IAsyncEnumerable<EntrySummary> Invoke(INamespaceGrain grain, CancellationToken cancellationToken) => grain.ListAsync(query, cancellationToken);

    public override void WriteArguments(IBufferWriter<byte> output)
    {
        var call = new Proto.ListCall { Prefix = query.Prefix ?? string.Empty, Limit = query.Limit };
        if (query.StartAfter is not null)
        {
            call.StartAfter = query.StartAfter;
        }

        call.WriteTo(output);
    }

    public static ListRequest Read(ReadOnlySequence<byte> arguments)
    {
        var call = Proto.ListCall.Parser.ParseFrom(arguments);
        return new ListRequest(new ListQuery(call.Prefix, call.HasStartAfter ? call.StartAfter : null, call.Limit));
    }

    public override void WriteItem(EntrySummary item, IBufferWriter<byte> output)
    {
        var message = new Proto.ListItem { Key = item.Key, Size = item.Size, Version = item.Version };
        if (item.ExpiresAt is { } expiresAt)
        {
            message.ExpiresAt = expiresAt;
        }

        message.WriteTo(output);
    }

    public override EntrySummary ReadItem(ReadOnlySequence<byte> payload)
    {
        var message = Proto.ListItem.Parser.ParseFrom(payload);
        return new EntrySummary(message.Key, message.Size, message.Version, message.HasExpiresAt ? message.ExpiresAt : null);
    }
}
