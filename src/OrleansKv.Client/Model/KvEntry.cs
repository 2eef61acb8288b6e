using System.Text;

namespace OrleansKv.Client;

/// <summary>A stored value with its metadata.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value bytes.</param>
/// <param name="ETag">The quoted version (<c>"12"</c>), for <see cref="KvSetOptions.IfMatch"/>.</param>
/// <param name="ContentType">The media type given when written, or null.</param>
/// <param name="CreatedAt">When the key was created.</param>
/// <param name="UpdatedAt">When the key was last written.</param>
/// <param name="ExpiresAt">When the key expires, or null without a TTL.</param>
public sealed record KvEntry(
    string Key,
    ReadOnlyMemory<byte> Value,
    string ETag,
    string? ContentType,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ExpiresAt)
{
    /// <summary>The value decoded as UTF-8.</summary>
    public string ValueAsString() => Encoding.UTF8.GetString(Value.Span);
}

/// <summary>Conditions and metadata of a write.</summary>
public sealed record KvSetOptions
{
    /// <summary>Time to live (whole seconds, rounded up, 1 s to 10 years); null for none. A write without TTL clears an earlier one.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>Write only when the key exists at this ETag (<c>"12"</c> or <c>12</c>; <c>*</c>: at any version).</summary>
    public string? IfMatch { get; init; }

    /// <summary>Write only when the key does not exist (create only).</summary>
    public bool IfNoneMatch { get; init; }

    /// <summary>Media type kept with the value.</summary>
    public string? ContentType { get; init; }
}

/// <summary>The outcome of a write.</summary>
/// <param name="ETag">The new version, quoted.</param>
/// <param name="Created">True when the key did not exist before.</param>
public sealed record KvWriteResult(string ETag, bool Created);

/// <summary>One key of a listing.</summary>
/// <param name="Key">The key.</param>
/// <param name="Size">The value's size in bytes.</param>
/// <param name="ETag">The quoted version.</param>
/// <param name="ExpiresAt">When the key expires, or null.</param>
public sealed record KvKeyInfo(string Key, long Size, string ETag, DateTimeOffset? ExpiresAt);

/// <summary>The answer of a health check.</summary>
/// <param name="Healthy">The silo and its storage are healthy.</param>
/// <param name="Silo">The silo that answered.</param>
/// <param name="ClusterSize">Active silos as that silo sees them.</param>
public sealed record KvHealth(bool Healthy, string Silo, int ClusterSize);
