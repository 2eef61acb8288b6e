namespace OrleansKv.Grains;

/// <summary>The kinds of <see cref="KeyOperation"/>: reads, conditional writes and read-modify-writes of strings,
/// expiry changes and key moves, each evaluated in the grain against the latest state of its keys.</summary>
[GenerateSerializer, Alias("OrleansKv.KeyOpKind")]
public enum KeyOpKind
{
    /// <summary>Reads the key: <see cref="KeyOpResult.Value"/>, version and expiry.</summary>
    Get,

    /// <summary>Reads the key's metadata: <see cref="KeyOpResult.Number"/> is the value's length.</summary>
    Inspect,

    /// <summary>Writes <see cref="KeyOperation.Value"/>; conditions IfAbsent/IfExists, KeepTtl, ReturnOld.</summary>
    Set,

    /// <summary>Deletes the key; <see cref="KeyOpResult.Number"/> is 1 when it existed.</summary>
    Delete,

    /// <summary>Reads and deletes the key in one step.</summary>
    GetDelete,

    /// <summary>Adds <see cref="KeyOperation.By"/> to the key's value read as a 64-bit integer (absent = 0); keeps the TTL.</summary>
    IncrementBy,

    /// <summary>Adds <see cref="KeyOperation.ByFloat"/> to the key's value read as a number (absent = 0); keeps the TTL.</summary>
    IncrementByFloat,

    /// <summary>Appends <see cref="KeyOperation.Value"/> (creating the key); <see cref="KeyOpResult.Number"/> is the new length.</summary>
    Append,

    /// <summary>Sets the expiry to <see cref="KeyOperation.ExpiresAt"/> or now plus <see cref="KeyOperation.TtlMs"/>,
    /// subject to IfAbsent (no TTL yet), IfExists (has one), IfGreater, IfLess; an expiry in the past deletes the key.</summary>
    SetExpiry,

    /// <summary>Removes the key's TTL; <see cref="KeyOpResult.Number"/> is 1 when it had one.</summary>
    Persist,

    /// <summary>Moves the key to <see cref="KeyOperation.Target"/> with its value and TTL; IfAbsent: only when the target is absent.</summary>
    Rename,

    /// <summary>Copies the key to <see cref="KeyOperation.Target"/> with its value and TTL; Replace: over an existing target.</summary>
    Copy,

    /// <summary>Writes every pair of <see cref="KeyOperation.Pairs"/> without TTL; IfAbsent: all or none, only when none exists.</summary>
    SetMany,

    /// <summary>Deletes every key of the namespace.</summary>
    Flush,
}

/// <summary>Conditions and options of a <see cref="KeyOperation"/>.</summary>
[Flags, GenerateSerializer, Alias("OrleansKv.KeyOpConditions")]
public enum KeyOpConditions
{
    None = 0,

    /// <summary>Only when the key (or, for an expiry change, its TTL) exists.</summary>
    IfExists = 1,

    /// <summary>Only when the key (or its TTL, or a rename's target) does not exist.</summary>
    IfAbsent = 2,

    /// <summary>An expiry change only when later than the current one.</summary>
    IfGreater = 4,

    /// <summary>An expiry change only when earlier than the current one (no TTL counts as infinite).</summary>
    IfLess = 8,

    /// <summary>A set keeps the key's TTL.</summary>
    KeepTtl = 16,

    /// <summary>A set answers the value it replaced.</summary>
    ReturnOld = 32,

    /// <summary>A copy replaces an existing target.</summary>
    Replace = 64,
}

/// <summary>One operation of <see cref="INamespaceGrain.ExecuteAsync"/>.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Key">The key (unused by <see cref="KeyOpKind.Flush"/> and <see cref="KeyOpKind.SetMany"/>).</param>
/// <param name="Value">The value of a set or an append.</param>
/// <param name="Target">The destination of a rename or a copy.</param>
/// <param name="By">The increment of <see cref="KeyOpKind.IncrementBy"/>.</param>
/// <param name="ByFloat">The increment of <see cref="KeyOpKind.IncrementByFloat"/>.</param>
/// <param name="ExpiresAt">An absolute expiry (unix ms) for a set or an expiry change.</param>
/// <param name="TtlMs">A relative expiry (ms from the grain's now) for a set or an expiry change.</param>
/// <param name="Conditions">Conditions and options.</param>
/// <param name="Pairs">The keys and values of <see cref="KeyOpKind.SetMany"/>.</param>
[GenerateSerializer, Immutable, Alias("OrleansKv.KeyOperation")]
public sealed record KeyOperation(
    [property: Id(0)] KeyOpKind Kind,
    [property: Id(1)] string Key,
    [property: Id(2)] byte[]? Value = null,
    [property: Id(3)] string? Target = null,
    [property: Id(4)] long By = 0,
    [property: Id(5)] double ByFloat = 0,
    [property: Id(6)] long? ExpiresAt = null,
    [property: Id(7)] long? TtlMs = null,
    [property: Id(8)] KeyOpConditions Conditions = KeyOpConditions.None,
    [property: Id(9)] IReadOnlyList<KeyValuePair<string, byte[]>>? Pairs = null)
{
    /// <summary>Whether the operation only reads.</summary>
    public bool IsRead => Kind is KeyOpKind.Get or KeyOpKind.Inspect;
}

/// <summary>How a <see cref="KeyOperation"/> ended.</summary>
[GenerateSerializer, Alias("OrleansKv.KeyOpStatus")]
public enum KeyOpStatus
{
    /// <summary>Done; for a read, the key was found.</summary>
    Ok,

    /// <summary>The key is absent or expired (nothing changed).</summary>
    NotFound,

    /// <summary>A condition did not hold (nothing changed).</summary>
    NotApplied,

    /// <summary>The operation does not apply to the key's value (<see cref="KeyOpResult.Error"/> says why; nothing changed).</summary>
    Error,
}

/// <summary>The outcome of one <see cref="KeyOperation"/>.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Value">A read value, the value a set replaced, or an increment's new value as text.</param>
/// <param name="Number">A count, a length or an integer's new value (see <see cref="KeyOpKind"/>).</param>
/// <param name="ExpiresAt">The key's expiry (unix ms) after the operation, if any.</param>
/// <param name="Version">The key's version (its ETag) after the operation; 0 when absent.</param>
/// <param name="Error">What went wrong, for <see cref="KeyOpStatus.Error"/>, in Redis' words.</param>
[GenerateSerializer, Immutable, Alias("OrleansKv.KeyOpResult")]
public readonly record struct KeyOpResult(
    [property: Id(0)] KeyOpStatus Status,
    [property: Id(1)] byte[]? Value = null,
    [property: Id(2)] long Number = 0,
    [property: Id(3)] long? ExpiresAt = null,
    [property: Id(4)] long Version = 0,
    [property: Id(5)] string? Error = null);
