using System.Security.Cryptography;
using System.Text;

namespace OrleansKv.Runtime.Redis;

/// <summary>
/// A Lua script run by its SHA-1 (EVALSHA), with its text at hand for when the server does not know it: a
/// restarted Redis, a failover to a replica or <c>SCRIPT FLUSH</c> empties the script cache, and the
/// <c>NOSCRIPT</c> reply then makes <see cref="RedisConnection"/> send the text once (EVAL), which caches it again.
/// </summary>
internal sealed class RedisScript
{
    public RedisScript(string name, string text)
    {
        Name = name;
        Text = text;
#pragma warning disable CA5350 // Redis names scripts by their SHA-1; this is an identifier, not a security use.
        Hash = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350
    }

    /// <summary>A short name for logs and error messages.</summary>
    public string Name { get; }

    public string Text { get; }

    public byte[] Hash { get; }
}
