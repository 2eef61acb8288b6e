using System.Globalization;
using StackExchange.Redis;

namespace OrleansKv.Server.Configuration;

/// <summary>
/// Turns REDIS_URL into a StackExchange.Redis configuration string. Accepts the client's own form
/// (<c>host:port[,host:port…][,option=value…]</c>: one server, the seed nodes of a Redis Cluster, or Sentinels with
/// <c>serviceName=…</c>) or a URL (<c>redis://[:password@]host[:port][/db]</c>, <c>rediss://</c> for TLS), and always
/// sets <c>abortConnect=false</c> so a silo starts, and keeps retrying, while Redis is down. No message it produces
/// contains an option's value, so a password never reaches a log line.
/// </summary>
public static class RedisUrl
{
    private const string ConnectionStringForm = "host:port[,host:port...][,option=value...] or redis://[:password@]host:port[/db]";

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
            if (!TryConvertUrl(url, out url, out problem))
            {
                return false;
            }
        }
        else if (!TryCheckConfigurationString(url, out problem))
        {
            return false;
        }

        configuration = url.Contains("abortConnect=", StringComparison.OrdinalIgnoreCase) ? url : url + ",abortConnect=false";
        return true;
    }

    /// <summary>
    /// What the silos connect to, for the start-up line: the Sentinel service and its Sentinels, the seed nodes, or the
    /// one server, plus whether TLS and a password are in use. Never the password itself.
    /// </summary>
    public static string Describe(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        var endpoints = string.Join(' ', options.EndPoints.Select(EndPointCollection.ToString));
        var target = !string.IsNullOrEmpty(options.ServiceName)
            ? $"sentinel service={options.ServiceName} sentinels={endpoints}"
            : options.EndPoints.Count > 1 ? $"seeds={endpoints}" : $"server={endpoints}";
        return $"{target} tls={(options.Ssl ? "on" : "off")} password={(string.IsNullOrEmpty(options.Password) ? "off" : "on")}";
    }

    private static bool TryConvertUrl(string url, out string configuration, out string? problem)
    {
        configuration = string.Empty;
        problem = null;
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

        configuration = string.Join(',', parts);
        return true;
    }

    /// <summary>
    /// Checks a StackExchange.Redis configuration string part by part, so that a message can name the part that is
    /// wrong (an endpoint, or an option by its keyword) without quoting a value.
    /// </summary>
    private static bool TryCheckConfigurationString(string configuration, out string? problem)
    {
        problem = null;
        var endpoints = 0;
        string? serviceName = null;
        foreach (var raw in configuration.Split(','))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                if (part.Contains(' ', StringComparison.Ordinal) || EndPointCollection.TryParse(part) is null)
                {
                    problem = $"REDIS_URL is not a Redis connection string ({ConnectionStringForm}): '{part}' is not a host:port.";
                    return false;
                }

                endpoints++;
                continue;
            }

            var keyword = part[..equals].Trim();
            try
            {
                var parsed = ConfigurationOptions.Parse(part);
                serviceName = parsed.ServiceName ?? serviceName;
            }
            catch (ArgumentException)
            {
                // The client's message may quote the value; name the keyword only.
                problem = $"REDIS_URL has an option StackExchange.Redis does not accept: '{keyword}' (unknown, or a value of the wrong kind).";
                return false;
            }

            if (keyword.Equals("serviceName", StringComparison.OrdinalIgnoreCase) && part[(equals + 1)..].Trim().Length == 0)
            {
                problem = "REDIS_URL's serviceName is empty; name the Sentinel-monitored primary (serviceName=mymaster).";
                return false;
            }
        }

        if (endpoints == 0)
        {
            problem = $"REDIS_URL names no Redis endpoint ({ConnectionStringForm}).";
            return false;
        }

        return true;
    }
}
