using System.Globalization;

namespace OrleansKv.Server.Configuration;

/// <summary>
/// Turns REDIS_URL into a StackExchange.Redis configuration string. Accepts the client's own form
/// (<c>host:port[,option=value…]</c>) or a URL (<c>redis://[:password@]host[:port][/db]</c>, <c>rediss://</c> for
/// TLS), and always sets <c>abortConnect=false</c> so a silo starts, and keeps retrying, while Redis is down.
/// </summary>
public static class RedisUrl
{
    public static bool TryNormalize(string? url, out string configuration, out string? problem)
    {
        configuration = string.Empty;
        problem = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            problem = "REDIS_URL is empty.";
            return false;
        }

        url = url.Trim();
        if (url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                problem = "REDIS_URL is not a valid redis:// URL.";
                return false;
            }

            var parts = new List<string> { $"{uri.Host}:{(uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port).ToString(CultureInfo.InvariantCulture)}" };
            if (uri.UserInfo.Length > 0)
            {
                var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
                var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
                var password = colon < 0 ? user : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
                if (colon >= 0 && user.Length > 0 && user != "default")
                {
                    problem = "REDIS_URL names a Redis ACL user; this client supports a password only (redis://:password@host:port).";
                    return false;
                }

                parts.Add("password=" + password);
            }

            var path = uri.AbsolutePath.Trim('/');
            if (path.Length > 0)
            {
                if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db) || db > 15)
                {
                    problem = "REDIS_URL's database (the path) must be a number from 0 to 15.";
                    return false;
                }

                parts.Add("defaultDatabase=" + db.ToString(CultureInfo.InvariantCulture));
            }

            if (uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase))
            {
                parts.Add("ssl=true");
            }

            url = string.Join(',', parts);
        }
        else if (url.Split(',')[0].Trim() is var first && (first.Length == 0 || first.Contains(' ', StringComparison.Ordinal) || first.Contains('=', StringComparison.Ordinal)))
        {
            problem = "REDIS_URL is not a Redis connection string (host:port[,option=value...] or redis://[:password@]host:port[/db]).";
            return false;
        }

        configuration = url.Contains("abortConnect=", StringComparison.OrdinalIgnoreCase) ? url : url + ",abortConnect=false";
        return true;
    }
}
