using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace OrleansKv.Server.Auth;

/// <summary>Tokens are kept only as SHA-256 hashes; this is the one place that computes them.</summary>
internal static class TokenHashing
{
    /// <summary>The length of a hash in hex digits.</summary>
    public const int HexLength = SHA256.HashSizeInBytes * 2;

    /// <summary>Lower-case hex SHA-256 of the token's UTF-8 bytes.</summary>
    public static string Hash(string token)
    {
        Span<char> hex = stackalloc char[HexLength];
        Hash(token, hex);
        return new string(hex);
    }

    /// <summary>Writes the lower-case hex SHA-256 of <paramref name="token"/>'s UTF-8 bytes to <paramref name="hex"/> (<see cref="HexLength"/> chars).</summary>
    public static void Hash(ReadOnlySpan<char> token, Span<char> hex)
    {
        // On the path of every request: hash from a stack buffer when the token is small, allocate nothing.
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        var rented = length <= 512 ? null : ArrayPool<byte>.Shared.Rent(length);
        Span<byte> utf8 = rented ?? stackalloc byte[512];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        try
        {
            SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(token, utf8)], hash);
            Convert.TryToHexStringLower(hash, hex, out _);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>A new opaque token: <c>okv_</c> and 32 random bytes, base64url.</summary>
    public static string NewToken() => "okv_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new token id: <c>tok_</c> and 12 random hex digits.</summary>
    public static string NewId() => "tok_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>The namespace a bootstrap token (TOKEN) gets: derived from its hash, so the token never appears in names.</summary>
    public static string BootstrapNamespace(string token) => "t-" + Hash(token)[..16];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
