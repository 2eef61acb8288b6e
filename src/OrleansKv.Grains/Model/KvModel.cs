using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

// Message types of INamespaceGrain: serialised by Orleans between silos, and passed as they are (not copied) on a
// local call where they are [Immutable]: a value is never changed after it is handed to the grain.

/// <summary>The outcome of one key operation.</summary>
[GenerateSerializer, Alias("OrleansKv.KvStatus")]
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
[GenerateSerializer, Immutable, Alias("OrleansKv.SetCommand")]
public sealed record SetCommand(
    [property: Id(0)] string Key,
    [property: Id(1)] byte[] Value,
    [property: Id(2)] string? ContentType = null,
    [property: Id(3)] TimeSpan? Ttl = null,
    [property: Id(4)] long? IfMatch = null,
    [property: Id(5)] bool IfNoneMatch = false,
    [property: Id(6)] ContentHash? Sha256 = null)
{
    /// <summary>An If-Match version that matches any existing version (HTTP <c>If-Match: *</c>); real versions start at 1.</summary>
    public const long AnyVersion = 0;
}

/// <summary>The outcome of a write.</summary>
/// <param name="Status"><see cref="KvStatus.Ok"/> (updated), <see cref="KvStatus.Created"/> or <see cref="KvStatus.PreconditionFailed"/>.</param>
/// <param name="Version">The new version (the ETag) when written.</param>
[GenerateSerializer, Immutable, Alias("OrleansKv.SetResult")]
public readonly record struct SetResult([property: Id(0)] KvStatus Status, [property: Id(1)] long Version);

/// <summary>The outcome of a delete: <see cref="KvStatus.Ok"/> (removed), <see cref="KvStatus.NotFound"/> or <see cref="KvStatus.PreconditionFailed"/>.</summary>
[GenerateSerializer, Immutable, Alias("OrleansKv.DeleteResult")]
public readonly record struct DeleteResult([property: Id(0)] KvStatus Status);

/// <summary>A listing request.</summary>
/// <param name="Prefix">Only keys starting with this (byte-wise); empty for all.</param>
/// <param name="StartAfter">Only keys sorting strictly after this one (the cursor).</param>
/// <param name="Limit">At most this many keys; 0 for all.</param>
[GenerateSerializer, Immutable, Alias("OrleansKv.ListQuery")]
public sealed record ListQuery([property: Id(0)] string Prefix, [property: Id(1)] string? StartAfter, [property: Id(2)] int Limit);

/// <summary>The kinds of batch operation.</summary>
[GenerateSerializer, Alias("OrleansKv.BatchOpKind")]
public enum BatchOpKind
{
    Put,
    Get,
    Delete,
}

/// <summary>One operation of an atomic batch.</summary>
[GenerateSerializer, Immutable, Alias("OrleansKv.BatchOperation")]
public sealed record BatchOperation(
    [property: Id(0)] BatchOpKind Kind,
    [property: Id(1)] string Key,
    [property: Id(2)] byte[]? Value = null,
    [property: Id(3)] string? ContentType = null,
    [property: Id(4)] TimeSpan? Ttl = null,
    [property: Id(5)] long? IfMatch = null,
    [property: Id(6)] bool IfNoneMatch = false);

/// <summary>The outcome of one batch operation.</summary>
/// <param name="Kind">The operation.</param>
/// <param name="Status">Its outcome.</param>
/// <param name="Key">Its key.</param>
/// <param name="Entry">For a get that found the key: the entry (as of that point in the batch).</param>
/// <param name="Version">For an applied put: the new version.</param>
[GenerateSerializer, Immutable, Alias("OrleansKv.BatchOutcome")]
public sealed record BatchOutcome(
    [property: Id(0)] BatchOpKind Kind,
    [property: Id(1)] KvStatus Status,
    [property: Id(2)] string Key,
    [property: Id(3)] StoredEntry? Entry,
    [property: Id(4)] long Version);

/// <summary>The outcome of a batch: every write applied (<paramref name="Applied"/>) or none.</summary>
[GenerateSerializer, Immutable, Alias("OrleansKv.BatchResult")]
public sealed record BatchResult([property: Id(0)] bool Applied, [property: Id(1)] IReadOnlyList<BatchOutcome> Results);

/// <summary>Counts of one namespace.</summary>
/// <param name="Keys">Stored keys (expired keys count until swept).</param>
/// <param name="Bytes">UTF-8 key bytes plus value bytes.</param>
/// <param name="Revision">The last committed revision.</param>
/// <param name="CachedEntries">Entries the answering activation holds in memory (diagnostics).</param>
[GenerateSerializer, Immutable, Alias("OrleansKv.NamespaceStats")]
public readonly record struct NamespaceStats([property: Id(0)] long Keys, [property: Id(1)] long Bytes, [property: Id(2)] long Revision, [property: Id(3)] int CachedEntries = 0)
{
    /// <summary>Distinct contents stored (each once, however many keys hold it).</summary>
    [Id(4)]
    public long Objects { get; init; }

    /// <summary>Bytes the stored contents take, after compression.</summary>
    [Id(5)]
    public long StoredBytes { get; init; }
}
