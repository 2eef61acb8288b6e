using System.Text;

namespace OrleansKv.Client;

/// <summary>The kinds of batch operation.</summary>
public enum KvBatchOpKind
{
    Put,
    Get,
    Delete,
}

/// <summary>One operation of an atomic batch; build it with <see cref="Put(string, ReadOnlyMemory{byte}, KvSetOptions?)"/>, <see cref="Get"/> or <see cref="Delete"/>.</summary>
public sealed record KvBatchOperation(KvBatchOpKind Kind, string Key, ReadOnlyMemory<byte> Value = default, KvSetOptions? Options = null)
{
    public static KvBatchOperation Put(string key, ReadOnlyMemory<byte> value, KvSetOptions? options = null) => new(KvBatchOpKind.Put, key, value, options);

    public static KvBatchOperation Put(string key, string value, KvSetOptions? options = null) => Put(key, Encoding.UTF8.GetBytes(value), options);

    public static KvBatchOperation Get(string key) => new(KvBatchOpKind.Get, key);

    /// <summary>A delete, only at <paramref name="ifMatch"/> when given.</summary>
    public static KvBatchOperation Delete(string key, string? ifMatch = null) =>
        new(KvBatchOpKind.Delete, key, default, ifMatch is null ? null : new KvSetOptions { IfMatch = ifMatch });
}

/// <summary>The outcome of one batch operation.</summary>
public enum KvBatchOpStatus
{
    /// <summary>Done: a read that found the key, an update, a delete that removed the key.</summary>
    Ok,

    /// <summary>A put that created the key.</summary>
    Created,

    /// <summary>A read or delete of an absent key.</summary>
    NotFound,

    /// <summary>This operation's condition failed, so the batch was not applied.</summary>
    PreconditionFailed,

    /// <summary>Valid, but not applied because another operation failed.</summary>
    Aborted,
}

/// <summary>The result of one batch operation.</summary>
/// <param name="Status">Its outcome.</param>
/// <param name="Key">Its key.</param>
/// <param name="Value">For a get that found the key: the value (as of that point in the batch).</param>
/// <param name="ETag">The entry's version for a get, the new version for a put.</param>
/// <param name="ContentType">For a get: the stored media type.</param>
/// <param name="ExpiresAt">For a get: the expiry.</param>
/// <param name="Deleted">For a delete: the key was removed.</param>
public sealed record KvBatchOpResult(
    KvBatchOpStatus Status,
    string Key,
    ReadOnlyMemory<byte> Value,
    string? ETag,
    string? ContentType,
    DateTimeOffset? ExpiresAt,
    bool Deleted);

/// <summary>The outcome of a batch: every write applied (<paramref name="Applied"/>) or none, with one result per operation.</summary>
public sealed record KvBatchResult(bool Applied, IReadOnlyList<KvBatchOpResult> Results);
