using System.Collections;

namespace OrleansKv.Grpc;

/// <summary>
/// gRPC metadata: an ordered list of key/value pairs sent as HTTP/2 headers or trailers.
/// Keys are lower-case; keys ending in <c>-bin</c> carry bytes (base64 on the wire), all others
/// printable ASCII text.
/// </summary>
public sealed class GrpcMetadata : IReadOnlyList<GrpcMetadata.Entry>
{
    /// <summary>Suffix that marks a binary-valued key.</summary>
    public const string BinarySuffix = "-bin";

    private readonly List<Entry> _entries = [];

    public int Count => _entries.Count;

    public Entry this[int index] => _entries[index];

    /// <summary>Adds a text entry. The key must not end in <c>-bin</c>; the value must be printable ASCII.</summary>
    public GrpcMetadata Add(string key, string value)
    {
        var normalized = NormalizeKey(key);
        if (IsBinaryKey(normalized))
        {
            throw new ArgumentException($"Metadata key '{normalized}' ends in '-bin'; add a byte[] value.", nameof(key));
        }

        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                throw new ArgumentException($"Metadata value for '{normalized}' must be printable ASCII.", nameof(value));
            }
        }

        _entries.Add(new Entry(normalized, value, null));
        return this;
    }

    /// <summary>Adds a binary entry. The key must end in <c>-bin</c>.</summary>
    public GrpcMetadata Add(string key, byte[] value)
    {
        var normalized = NormalizeKey(key);
        if (!IsBinaryKey(normalized))
        {
            throw new ArgumentException($"Binary metadata key '{normalized}' must end in '-bin'.", nameof(key));
        }

        ArgumentNullException.ThrowIfNull(value);
        _entries.Add(new Entry(normalized, null, value));
        return this;
    }

    /// <summary>Adds an entry read off the wire, skipping validation (the peer's HTTP stack already parsed it).</summary>
    internal void AddUnchecked(string key, string? value, byte[]? valueBytes) => _entries.Add(new Entry(key, value, valueBytes));

    /// <summary>The first text value for <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key)
    {
        foreach (var entry in _entries)
        {
            if (!entry.IsBinary && string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return entry.Value;
            }
        }

        return null;
    }

    /// <summary>The first binary value for <paramref name="key"/> (which ends in <c>-bin</c>), or null.</summary>
    public byte[]? GetBytes(string key)
    {
        foreach (var entry in _entries)
        {
            if (entry.IsBinary && string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return entry.ValueBytes;
            }
        }

        return null;
    }

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>True when the key names a binary header (<c>-bin</c> suffix).</summary>
    public static bool IsBinaryKey(string key) => key.EndsWith(BinarySuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Base64 for the wire; unpadded, as the gRPC spec recommends.</summary>
    internal static string EncodeBinaryValue(ReadOnlySpan<byte> value) => Convert.ToBase64String(value).TrimEnd('=');

    /// <summary>Decodes a <c>-bin</c> header value, padded or not. Null when it is not base64.</summary>
    internal static byte[]? DecodeBinaryValue(string value)
    {
        var trimmed = value.Trim();
        var padding = (4 - (trimmed.Length % 4)) % 4;
        if (padding == 3)
        {
            return null;
        }

        var padded = padding == 0 ? trimmed : trimmed + new string('=', padding);
        var buffer = new byte[padded.Length / 4 * 3];
        return Convert.TryFromBase64String(padded, buffer, out var written) ? buffer[..written] : null;
    }

    private static string NormalizeKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        foreach (var c in key)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.'))
            {
                throw new ArgumentException($"Metadata key '{key}' contains an invalid character.", nameof(key));
            }
        }

        return key.ToLowerInvariant();
    }

    /// <summary>One metadata entry: text (<see cref="Value"/>) or binary (<see cref="ValueBytes"/>).</summary>
    public sealed class Entry
    {
        internal Entry(string key, string? value, byte[]? valueBytes)
        {
            Key = key;
            Value = value;
            ValueBytes = valueBytes;
        }

        public string Key { get; }

        /// <summary>The text value; null for binary entries.</summary>
        public string? Value { get; }

        /// <summary>The binary value; null for text entries.</summary>
        public byte[]? ValueBytes { get; }

        public bool IsBinary => ValueBytes is not null;

        public override string ToString() => IsBinary ? $"{Key}: {EncodeBinaryValue(ValueBytes)}" : $"{Key}: {Value}";
    }
}
