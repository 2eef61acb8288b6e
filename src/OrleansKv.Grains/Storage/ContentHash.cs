using System.Buffers.Binary;

namespace OrleansKv.Grains.Storage;

/// <summary>A value's SHA-256 as a dictionary key: the 32 bytes held as four words, compared by content.</summary>
public readonly record struct ContentHash(ulong A, ulong B, ulong C, ulong D)
{
    public static ContentHash Of(ReadOnlySpan<byte> sha256)
    {
        if (sha256.Length != 32)
        {
            throw new ArgumentException("A SHA-256 is 32 bytes.", nameof(sha256));
        }

        return new ContentHash(
            BinaryPrimitives.ReadUInt64BigEndian(sha256),
            BinaryPrimitives.ReadUInt64BigEndian(sha256[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(sha256[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(sha256[24..]));
    }
}
