namespace OrleansKv.Grains;

/// <summary>Which quota refused a write.</summary>
[GenerateSerializer, Alias("OrleansKv.QuotaKind")]
public enum QuotaKind
{
    /// <summary>The namespace holds max_keys keys already.</summary>
    Keys,

    /// <summary>The write would take the namespace above max_bytes.</summary>
    Bytes,

    /// <summary>The value is larger than the namespace's max_value_bytes.</summary>
    ValueSize,
}

/// <summary>
/// A write refused by a quota of its namespace; nothing of the call was applied. Its code is
/// <see cref="KvErrorCode.QuotaExceeded"/> (<see cref="KvErrorCode.ValueTooLarge"/> for <see cref="QuotaKind.ValueSize"/>).
/// </summary>
[GenerateSerializer, Alias("OrleansKv.NamespaceQuotaException")]
public sealed class NamespaceQuotaException : KvErrorException
{
    public NamespaceQuotaException()
        : this(QuotaKind.Keys, "A quota of the namespace refused the write.")
    {
    }

    public NamespaceQuotaException(string message)
        : this(QuotaKind.Keys, message)
    {
    }

    public NamespaceQuotaException(string message, Exception innerException)
        : base(KvErrorCode.QuotaExceeded, message, innerException)
    {
    }

    public NamespaceQuotaException(QuotaKind kind, string message)
        : base(kind == QuotaKind.ValueSize ? KvErrorCode.ValueTooLarge : KvErrorCode.QuotaExceeded, message) => Kind = kind;

    [Id(0)]
    public QuotaKind Kind { get; private set; }
}
