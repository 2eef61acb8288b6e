using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

/// <summary>The outcome of one key operation.</summary>
public enum KvStatus
{
    /// <summary>Done (an update, a read that found the key, a delete that removed it).</summary>
    Ok,

    /// <summary>Done, and the key did not exist before.</summary>
    Created,

    /// <summary>The key is absent or expired.</summary>
    NotFound,

    /// <summary>An If-Match / If-None-Match condition did not hold; nothing changed.</summary>
    PreconditionFailed,

    /// <summary>Valid, but not applied because another operation of the same batch failed.</summary>
    Aborted,
}

/// <summary>A write of one key.</summary>
/// <param name="Key">The key (1–1024 bytes of UTF-8).</param>
/// <param name="Value">The value.</param>
/// <param name="ContentType">The media type to keep with the value, if any.</param>
/// <param name="Ttl">Time to live; <c>null</c> for none (a write without TTL clears an earlier one).</param>
/// <param name="IfMatch">Apply only when the key exists at this version (<see cref="AnyVersion"/>: at any version).</param>
/// <param name="IfNoneMatch">Apply only when the key does not exist.</param>
/// <param name="Sha256">The value's SHA-256 when the caller already computed it; else the grain does.</param>
public sealed record SetCommand(string Key, byte[] Value, string? ContentType = null, TimeSpan? Ttl = null, long? IfMatch = null, bool IfNoneMatch = false, byte[]? Sha256 = null)
{
    /// <summary>An If-Match version that matches any existing version (HTTP <c>If-Match: *</c>); real versions start at 1.</summary>
    public const long AnyVersion = 0;
}

/// <summary>The outcome of a write.</summary>
/// <param name="Status"><see cref="KvStatus.Ok"/> (updated), <see cref="KvStatus.Created"/> or <see cref="KvStatus.PreconditionFailed"/>.</param>
/// <param name="Version">The new version (the ETag) when written.</param>
public readonly record struct SetResult(KvStatus Status, long Version);

/// <summary>The outcome of a delete: <see cref="KvStatus.Ok"/> (removed), <see cref="KvStatus.NotFound"/> or <see cref="KvStatus.PreconditionFailed"/>.</summary>
public readonly record struct DeleteResult(KvStatus Status);

/// <summary>A listing request.</summary>
/// <param name="Prefix">Only keys starting with this (byte-wise); empty for all.</param>
/// <param name="StartAfter">Only keys sorting strictly after this one (the cursor).</param>
/// <param name="Limit">At most this many keys; 0 for all.</param>
public sealed record ListQuery(string Prefix, string? StartAfter, int Limit);

/// <summary>The kinds of batch operation.</summary>
public enum BatchOpKind
{
    Put,
    Get,
    Delete,
}

/// <summary>One operation of an atomic batch.</summary>
public sealed record BatchOperation(
    BatchOpKind Kind,
    string Key,
    byte[]? Value = null,
    string? ContentType = null,
    TimeSpan? Ttl = null,
    long? IfMatch = null,
    bool IfNoneMatch = false);

/// <summary>The outcome of one batch operation.</summary>
/// <param name="Kind">The operation.</param>
/// <param name="Status">Its outcome.</param>
/// <param name="Key">Its key.</param>
/// <param name="Entry">For a get that found the key: the entry (as of that point in the batch).</param>
/// <param name="Version">For an applied put: the new version.</param>
public sealed record BatchOutcome(BatchOpKind Kind, KvStatus Status, string Key, StoredEntry? Entry, long Version);

/// <summary>The outcome of a batch: every write applied (<paramref name="Applied"/>) or none.</summary>
public sealed record BatchResult(bool Applied, IReadOnlyList<BatchOutcome> Results);

/// <summary>Counts of one namespace.</summary>
/// <param name="Keys">Stored keys (expired keys count until swept).</param>
/// <param name="Bytes">UTF-8 key bytes plus value bytes.</param>
/// <param name="Revision">The last committed revision.</param>
public readonly record struct NamespaceStats(long Keys, long Bytes, long Revision);
