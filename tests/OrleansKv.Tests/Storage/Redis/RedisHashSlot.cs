using System.Text;

namespace OrleansKv.Tests.Storage.Redis;

/// <summary>
/// The Redis Cluster key-to-slot function, written from the cluster specification (CRC16-CCITT/XMODEM of the hash
/// tag, or of the whole key when it has none, modulo 16384), so the layout tests do not trust the store's own notion.
/// </summary>
internal static class RedisHashSlot
{
    public static int Of(string key) => Of(Encoding.UTF8.GetBytes(key));

    public static int Of(ReadOnlySpan<byte> key) => Crc16(HashTag(key)) & 16383;

    /// <summary>The bytes between the first '{' and the first '}' after it, if that is not empty; else the whole key.</summary>
    public static ReadOnlySpan<byte> HashTag(ReadOnlySpan<byte> key)
    {
        var open = key.IndexOf((byte)'{');
        if (open >= 0)
        {
            var close = key[(open + 1)..].IndexOf((byte)'}');
            if (close > 0)
            {
                return key.Slice(open + 1, close);
            }
        }

        return key;
    }

    public static int Crc16(ReadOnlySpan<byte> data)
    {
        var crc = 0;
        foreach (var b in data)
        {
            crc ^= b << 8;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }

            crc &= 0xFFFF;
        }

        return crc;
    }
}
