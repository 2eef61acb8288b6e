using System.Text;

namespace OrleansKv.Grains.Storage;

/// <summary>
/// Keys are stored as their UTF-8 bytes (SQLite BLOBs, Redis sorted-set members), so the backend's memcmp
/// ordering is the byte order the listing contract promises. Range bounds are computed here, in bytes.
/// </summary>
internal static class Utf8Keys
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Sorts after every stored key: a UTF-8 string never contains the byte 0xFF.
    /// Used as the upper bound of an unbounded range so one prepared statement serves every listing.
    /// </summary>
    public static readonly byte[] AfterAllKeys = [0xFF];

    /// <summary>Encodes a key; a string with a lone surrogate has no UTF-8 form and is rejected.</summary>
    public static byte[] Encode(string key, string paramName)
    {
        try
        {
            return Strict.GetBytes(key);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("The key is not valid UTF-16 (it contains a lone surrogate).", paramName, ex);
        }
    }

    /// <summary>
    /// Checks that a namespace name has a UTF-8 form without allocating. SQLite stores names as UTF-8 text,
    /// and a lone surrogate would be replaced by U+FFFD there, so two distinct names could meet in one row.
    /// </summary>
    public static void ValidateNamespace(string ns, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns, paramName);
        try
        {
            _ = Strict.GetByteCount(ns);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("The namespace name is not valid UTF-16 (it contains a lone surrogate).", paramName, ex);
        }
    }

    public static string Decode(byte[] utf8) => Encoding.UTF8.GetString(utf8);

    /// <summary>
    /// The smallest byte string greater than every string that starts with <paramref name="prefix"/>:
    /// trailing 0xFF bytes are dropped and the last remaining byte is incremented. Returns
    /// <see cref="AfterAllKeys"/> when there is no such bound (empty prefix or only 0xFF bytes).
    /// </summary>
    public static byte[] PrefixUpperBound(ReadOnlySpan<byte> prefix)
    {
        var end = prefix.Length;
        while (end > 0 && prefix[end - 1] == 0xFF)
        {
            end--;
        }

        if (end == 0)
        {
            return AfterAllKeys;
        }

        var bound = prefix[..end].ToArray();
        bound[end - 1]++;
        return bound;
    }

    /// <summary>The smallest byte string strictly greater than <paramref name="key"/>: the key followed by 0x00.</summary>
    public static byte[] Successor(ReadOnlySpan<byte> key)
    {
        var next = new byte[key.Length + 1];
        key.CopyTo(next);
        return next;
    }

    /// <summary>
    /// The inclusive lower and exclusive upper bound (bytes) of a listing by prefix that starts strictly
    /// after <paramref name="startAfter"/> when given.
    /// </summary>
    public static (byte[] Lower, byte[] Upper) ListRange(string prefix, string? startAfter)
    {
        var prefixBytes = Encode(prefix, nameof(prefix));
        var upper = PrefixUpperBound(prefixBytes);
        if (startAfter is null)
        {
            return (prefixBytes, upper);
        }

        var after = Successor(Encode(startAfter, nameof(startAfter)));
        var lower = after.AsSpan().SequenceCompareTo(prefixBytes) > 0 ? after : prefixBytes;
        return (lower, upper);
    }
}
