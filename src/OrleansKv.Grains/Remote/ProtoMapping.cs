using Google.Protobuf;
using OrleansKv.Grains.Storage;
using Proto = OrleansKv.Grains.Protocol;

namespace OrleansKv.Grains;

/// <summary>Conversions between the grain's model and its silo-to-silo messages.</summary>
internal static class ProtoMapping
{
    public static Proto.Entry? ToProto(StoredEntry? entry)
    {
        if (entry is null)
        {
            return null;
        }

        var message = new Proto.Entry
        {
            Key = entry.Key,
            Value = UnsafeByteOperations.UnsafeWrap(entry.Value),
            Sha256 = UnsafeByteOperations.UnsafeWrap(entry.Sha256),
            Version = entry.Version,
            CreatedAt = entry.CreatedAt,
            UpdatedAt = entry.UpdatedAt,
        };
        if (entry.ContentType is not null)
        {
            message.ContentType = entry.ContentType;
        }

        if (entry.ExpiresAt is { } expiresAt)
        {
            message.ExpiresAt = expiresAt;
        }

        return message;
    }

    public static StoredEntry? FromProto(Proto.Entry? message) =>
        message is null
            ? null
            : new StoredEntry(
                message.Key,
                message.Value.ToByteArray(),
                message.HasContentType ? message.ContentType : null,
                message.Sha256.ToByteArray(),
                message.Version,
                message.CreatedAt,
                message.UpdatedAt,
                message.HasExpiresAt ? message.ExpiresAt : null);

    public static Proto.BatchOp ToProto(BatchOperation op)
    {
        var message = new Proto.BatchOp { Kind = (int)op.Kind, Key = op.Key, IfNoneMatch = op.IfNoneMatch };
        if (op.Value is not null)
        {
            message.Value = UnsafeByteOperations.UnsafeWrap(op.Value);
        }

        if (op.ContentType is not null)
        {
            message.ContentType = op.ContentType;
        }

        if (op.Ttl is { } ttl)
        {
            message.TtlMs = (long)ttl.TotalMilliseconds;
        }

        if (op.IfMatch is { } ifMatch)
        {
            message.IfMatch = ifMatch;
        }

        return message;
    }

    public static BatchOperation FromProto(Proto.BatchOp message) => new(
        (BatchOpKind)message.Kind,
        message.Key,
        (BatchOpKind)message.Kind == BatchOpKind.Put ? message.Value.ToByteArray() : null,
        message.HasContentType ? message.ContentType : null,
        message.HasTtlMs ? TimeSpan.FromMilliseconds(message.TtlMs) : null,
        message.HasIfMatch ? message.IfMatch : null,
        message.IfNoneMatch);

    public static Proto.BatchOutcome ToProto(BatchOutcome outcome) => new()
    {
        Kind = (int)outcome.Kind,
        Status = (int)outcome.Status,
        Key = outcome.Key,
        Entry = ToProto(outcome.Entry),
        Version = outcome.Version,
    };

    public static BatchOutcome FromProto(Proto.BatchOutcome message) =>
        new((BatchOpKind)message.Kind, (KvStatus)message.Status, message.Key, FromProto(message.Entry), message.Version);
}
