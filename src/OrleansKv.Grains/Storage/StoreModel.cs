namespace OrleansKv.Grains.Storage;

/// <summary>One stored entry. Times are unix milliseconds (UTC).</summary>
/// <param name="Key">The key (1–1024 bytes of UTF-8).</param>
/// <param name="Value">The value bytes.</param>
/// <param name="ContentType">The media type given at write time, or <c>null</c>.</param>
/// <param name="Sha256">SHA-256 of <paramref name="Value"/>, computed once at write time.</param>
/// <param name="Version">The namespace revision at which this entry was last written (its ETag).</param>
/// <param name="CreatedAt">When the key was created (kept across updates).</param>
/// <param name="UpdatedAt">When the key was last written.</param>
/// <param name="ExpiresAt">When the key expires, or <c>null</c> without a TTL.</param>
/// <remarks>A namespace grain keeps its hot entries in memory, so the layout is kept small: the hash is inline and the
/// expiry is one word (<see cref="NoExpiry"/> for none) rather than a nullable: 112 bytes on x64 besides key and value.</remarks>
[GenerateSerializer, Immutable, Alias("OrleansKv.StoredEntry")]
public sealed record StoredEntry(
    [property: Id(0)] string Key,
    [property: Id(1)] byte[] Value,
    [property: Id(2)] string? ContentType,
    [property: Id(3)] ContentHash Sha256,
    [property: Id(4)] long Version,
    [property: Id(5)] long CreatedAt,
    [property: Id(6)] long UpdatedAt,
    long? ExpiresAt)
{
    private const long NoExpiry = long.MinValue;

    [Id(7)]
    private readonly long _expiresAt = ExpiresAt ?? NoExpiry;

    public long? ExpiresAt
    {
        get => _expiresAt == NoExpiry ? null : _expiresAt;
        init => _expiresAt = value ?? NoExpiry;
    }

    /// <summary>How many keys of the namespace hold this same content (the entry's own key included), as of the
    /// read; the content is stored once (content deduplication).</summary>
    [Id(8)]
    public long Refs { get; init; } = 1;

    /// <summary>True when the entry has a TTL that has passed at <paramref name="nowUnixMs"/>.</summary>
    public bool IsExpiredAt(long nowUnixMs) => _expiresAt != NoExpiry && _expiresAt <= nowUnixMs;
}

/// <summary>What a listing returns per key.</summary>
[GenerateSerializer, Immutable, Alias("OrleansKv.EntrySummary")]
public readonly record struct EntrySummary([property: Id(0)] string Key, [property: Id(1)] long Size, [property: Id(2)] long Version, [property: Id(3)] long? ExpiresAt);

/// <summary>A key found expired, with the version a sweep must match to delete it.</summary>
public readonly record struct ExpiredEntry(string Key, long Version, long ExpiresAt);

/// <summary>The state a new activation starts from.</summary>
/// <param name="Epoch">The epoch this activation now holds; commits must carry it.</param>
/// <param name="Revision">The last committed revision (0 for a new namespace).</param>
/// <param name="KeyCount">Stored keys, including expired keys not yet swept.</param>
/// <param name="TotalBytes">Sum of UTF-8 key bytes plus value bytes over stored keys.</param>
/// <param name="PreviousHolderActive">True when the epoch before this one was never released
/// (<see cref="INamespaceStore.ReleaseAsync"/>): its activation may still be alive and answering from memory.</param>
public readonly record struct NamespaceSnapshot(long Epoch, long Revision, long KeyCount, long TotalBytes, bool PreviousHolderActive = false)
{
    /// <summary>Distinct contents stored (each once, however many keys hold it).</summary>
    public long Objects { get; init; }

    /// <summary>Bytes the stored contents take, after compression.</summary>
    public long StoredBytes { get; init; }
}

/// <summary>The kinds of mutation a commit applies.</summary>
public enum MutationKind
{
    /// <summary>Insert or replace the entry.</summary>
    Put,

    /// <summary>Remove the entry if present.</summary>
    Delete,
}

/// <summary>One write of a commit. For <see cref="MutationKind.Put"/>, <see cref="Entry"/> is the full new entry.</summary>
public readonly record struct EntryMutation(MutationKind Kind, string Key, StoredEntry? Entry)
{
    public static EntryMutation Put(StoredEntry entry) => new(MutationKind.Put, entry.Key, entry);

    public static EntryMutation Delete(string key) => new(MutationKind.Delete, key, null);
}

/// <summary>
/// A group commit: mutations applied in order, atomically, fenced by epoch and revision.
/// </summary>
/// <param name="Epoch">The committing activation's epoch; must equal the stored epoch.</param>
/// <param name="ExpectedRevision">The revision the activation last committed; must equal the stored revision.</param>
/// <param name="NewRevision">The revision stored after this commit (greater than <paramref name="ExpectedRevision"/>).</param>
/// <param name="Mutations">The writes, in order; a later write to the same key wins.</param>
public sealed record CommitBatch(long Epoch, long ExpectedRevision, long NewRevision, IReadOnlyList<EntryMutation> Mutations);

/// <summary>The outcome of <see cref="INamespaceStore.CommitAsync"/>: the status and, when committed, the
/// namespace's counts right after the commit (the store keeps them in the same atomic step).</summary>
public readonly record struct CommitResult(CommitStatus Status, long KeyCount, long TotalBytes)
{
    /// <summary>Distinct contents stored after the commit.</summary>
    public long Objects { get; init; }

    /// <summary>Bytes the stored contents take after the commit, after compression.</summary>
    public long StoredBytes { get; init; }

    /// <summary>Puts whose content the namespace already held, so no bytes were stored for them.</summary>
    public long DedupHits { get; init; }

    /// <summary>The reference count, after the commit, of every content the commit added or dropped a reference to
    /// (0: the content is gone).</summary>
    public IReadOnlyList<KeyValuePair<ContentHash, long>> ContentRefs { get; init; } = [];

    /// <summary>Nothing applied: the commit was fenced.</summary>
    public static CommitResult Fenced => new(CommitStatus.Fenced, 0, 0);
}

/// <summary>Whether a commit applied.</summary>
public enum CommitStatus
{
    /// <summary>Applied and durable.</summary>
    Committed,

    /// <summary>Rejected, nothing applied: another activation claimed the namespace or committed since.</summary>
    Fenced,
}
