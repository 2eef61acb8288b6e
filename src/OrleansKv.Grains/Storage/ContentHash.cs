using System.Buffers.Binary;

namespace OrleansKv.Grains.Storage;

/// <summary>
/// A value's SHA-256: the 32 bytes held inline as four big-endian words, compared by content. An entry carries it
/// by value, so a cached entry costs no separate array for its hash.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansKv.ContentHash")]
public readonly record struct ContentHash([property: Id(0)] ulong A, [property: Id(1)] ulong B, [property: Id(2)] ulong C, [property: Id(3)] ulong D)
{
    /// <summary>The bytes of a hash.</summary>
    public const int Length = 32;

    public static ContentHash Of(ReadOnlySpan<byte> sha256)
    {
        if (sha256.Length != Length)
        {
            throw new ArgumentException("A SHA-256 is 32 bytes.", nameof(sha256));
        }

        return new ContentHash(
            BinaryPrimitives.ReadUInt64BigEndian(sha256),
            BinaryPrimitives.ReadUInt64BigEndian(sha256[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(sha256[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(sha256[24..]));
    }

    /// <summary>The SHA-256 of <paramref name="value"/>.</summary>
    public static ContentHash Compute(ReadOnlySpan<byte> value)
    {
        Span<byte> sha = stackalloc byte[Length];
        System.Security.Cryptography.SHA256.HashData(value, sha);
        return Of(sha);
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, A);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], D);
    }

    /// <summary>The 32 bytes, in a new array (what the stores bind as a blob).</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Lower-case hex, as the API shows it.</summary>
    public string ToHex()
    {
        Span<byte> sha = stackalloc byte[Length];
        WriteTo(sha);
        return Convert.ToHexStringLower(sha);
    }

    /// <summary>The hash as hex (so a log line or a failed assertion shows it).</summary>
    public override string ToString() => ToHex();
}
