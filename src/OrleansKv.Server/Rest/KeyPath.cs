using System.Text;
using Microsoft.AspNetCore.Http.Features;
using OrleansKv.Grains;

namespace OrleansKv.Server.Rest;

/// <summary>
/// Extracts a key from the request target: the rest of the raw path after a prefix, percent-decoded strictly
/// (a malformed escape or bytes that are not UTF-8 are an error, not silently kept), so that <c>a%2Fb</c>
/// and <c>a/b</c> both mean the key <c>a/b</c>.
/// </summary>
internal static class KeyPath
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>Returns the decoded key after <paramref name="prefix"/>, or an error answer.</summary>
    public static bool TryGetKey(HttpContext context, string prefix, out string key, out IResult? error)
    {
        key = string.Empty;
        error = null;
        // Kestrel always sets the raw target; a server that does not (TestServer) leaves it empty, and then the
        // routed path, re-escaped (it keeps %2F escaped), is the best there is.
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } target
            ? target
            : context.Request.PathBase.Add(context.Request.Path).ToUriComponent();
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? raw[..query] : raw;
        if (!path.StartsWith('/') && Uri.TryCreate(path, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            path = absolute.AbsolutePath;
        }

        // Kestrel resolves '.' and '..' segments (also %2E-encoded ones) before routing, so the route chosen and
        // the key read from the raw target would disagree; refuse rather than guess.
        if (HasDotSegment(path))
        {
            error = ApiErrors.Result(KvErrorCode.InvalidKey, "The path has a '.' or '..' segment, which HTTP resolves away; to use one in a key, encode the slashes around it as %2F.");
            return false;
        }

        // Routing matches literal segments case-insensitively, so /V1/KV/k reached this route.
        if (!path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            error = ApiErrors.Result(KvErrorCode.UnknownRoute, "No such route.");
            return false;
        }

        if (!TryDecode(path.AsSpan(prefix.Length), out key))
        {
            error = ApiErrors.Result(KvErrorCode.InvalidKey, "The key is not validly percent-encoded UTF-8.");
            return false;
        }

        if (KeyRules.ValidateKey(key) is { } problem)
        {
            error = ApiErrors.Result(KvErrorCode.InvalidKey, problem);
            return false;
        }

        return true;
    }

    /// <summary>Strict percent-decoding to UTF-8 text.</summary>
    public static bool TryDecode(ReadOnlySpan<char> encoded, out string decoded)
    {
        decoded = string.Empty;
        if (encoded.IndexOf('%') < 0)
        {
            decoded = encoded.ToString();
            return true;
        }

        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(encoded.Length)];
        var length = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '%')
            {
                if (i + 2 >= encoded.Length || !IsHex(encoded[i + 1]) || !IsHex(encoded[i + 2]))
                {
                    return false;
                }

                bytes[length++] = (byte)((HexValue(encoded[i + 1]) << 4) | HexValue(encoded[i + 2]));
                i += 2;
            }
            else
            {
                length += Encoding.UTF8.GetBytes(encoded.Slice(i, char.IsHighSurrogate(c) && i + 1 < encoded.Length ? 2 : 1), bytes.AsSpan(length));
                if (char.IsHighSurrogate(c))
                {
                    i++;
                }
            }
        }

        try
        {
            decoded = StrictUtf8.GetString(bytes, 0, length);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static bool HasDotSegment(ReadOnlySpan<char> path)
    {
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment.Length is > 0 and <= 6 && TryDecode(segment, out var decoded) && decoded is "." or "..")
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
