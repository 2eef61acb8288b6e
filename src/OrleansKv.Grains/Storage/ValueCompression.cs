using ZstdSharp;

namespace OrleansKv.Grains.Storage;

/// <summary>How stored values are compressed (both stores): zstd at <see cref="Level"/> for values of at least
/// <see cref="MinBytes"/> bytes, kept raw when compression does not make them smaller.</summary>
public sealed class CompressionOptions
{
    /// <summary>Values shorter than this are stored raw (<c>COMPRESSION_MIN_BYTES</c>).</summary>
    public int MinBytes { get; set; } = 512;

    /// <summary>zstd level, 1 (fastest) to 19 (<c>COMPRESSION_LEVEL</c>).</summary>
    public int Level { get; set; } = 1;

    /// <summary>What is wrong with these settings, in sentences naming the setting; empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (Level is < 1 or > 19)
        {
            yield return $"COMPRESSION_LEVEL must be between 1 and 19, not {Level}.";
        }

        if (MinBytes < 0)
        {
            yield return $"COMPRESSION_MIN_BYTES must be 0 or more, not {MinBytes}.";
        }
    }
}

/// <summary>The encodings a stored object's bytes may have.</summary>
internal enum ValueEncoding : byte
{
    /// <summary>The value's bytes as they are.</summary>
    Raw = 0,

    /// <summary>A zstd frame of the value's bytes.</summary>
    Zstd = 1,
}

/// <summary>
/// Compresses values for storage and restores them. Thread-safe: each thread keeps its own zstd contexts (they are
/// not safe to share), for the life of the thread.
/// </summary>
internal sealed class ValueCompression(CompressionOptions options)
{
    [ThreadStatic]
    private static Compressor? t_compressor;

    [ThreadStatic]
    private static int t_compressorLevel;

    [ThreadStatic]
    private static Decompressor? t_decompressor;

    public int MinBytes => options.MinBytes;

    public int Level => options.Level;

    /// <summary>The bytes to store for <paramref name="value"/> and their encoding (raw when that is not larger).</summary>
    public (byte[] Data, ValueEncoding Encoding) Encode(byte[] value)
    {
        if (value.Length < options.MinBytes)
        {
            return (value, ValueEncoding.Raw);
        }

        if (t_compressor is null || t_compressorLevel != options.Level)
        {
            t_compressor?.Dispose();
            t_compressor = new Compressor(options.Level);
            t_compressorLevel = options.Level;
        }

        var compressed = t_compressor.Wrap(value);
        return compressed.Length < value.Length ? (compressed.ToArray(), ValueEncoding.Zstd) : (value, ValueEncoding.Raw);
    }

    /// <summary>The value stored as <paramref name="data"/> in <paramref name="encoding"/>, <paramref name="size"/> bytes long.</summary>
    public static byte[] Decode(byte[] data, ValueEncoding encoding, long size)
    {
        switch (encoding)
        {
            case ValueEncoding.Raw:
                return data;
            case ValueEncoding.Zstd:
                var value = new byte[size];
                var written = (t_decompressor ??= new Decompressor()).Unwrap(data, value, 0);
                return written == size ? value : throw new NamespaceStoreException($"A stored value decompressed to {written} bytes, not the {size} recorded.");
            default:
                throw new NamespaceStoreException($"A stored value has the unknown encoding {(int)encoding}.");
        }
    }
}
