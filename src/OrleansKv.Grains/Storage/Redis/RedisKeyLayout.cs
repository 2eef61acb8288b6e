using System.Text;
using StackExchange.Redis;

namespace OrleansKv.Grains.Storage.Redis;

/// <summary>
/// Where a namespace lives in Redis. Every key of namespace <c>ns</c> starts with <c>&lt;prefix&gt;{ns}</c>, so its hash
/// tag is the namespace and the whole namespace sits in one Redis Cluster slot (its Lua scripts are legal there):
/// <list type="bullet">
/// <item><c>&lt;prefix&gt;{ns}:meta</c>: hash with <c>epoch</c>, <c>revision</c>, <c>keys</c>, <c>bytes</c> and
/// <c>released</c> (the last epoch its activation released).</item>
/// <item><c>&lt;prefix&gt;{ns}:idx</c>: sorted set of every stored key (score 0, member = UTF-8 key), so
/// ZRANGEBYLEX lists in byte order.</item>
/// <item><c>&lt;prefix&gt;{ns}:ttl</c>: sorted set of the keys that have a TTL, scored by expiry (unix ms).</item>
/// <item><c>&lt;prefix&gt;{ns}:e:&lt;key&gt;</c>: one hash per entry (see <see cref="RedisEntryFields"/>).</item>
/// <item><c>&lt;prefix&gt;{ns}:o:&lt;sha256&gt;</c>: one hash per distinct content (<c>data</c>, <c>enc</c>, <c>size</c>,
/// <c>stored</c>, <c>refs</c>): each content is stored once per namespace, whatever number of keys hold it.</item>
/// <item><c>&lt;prefix&gt;{ns}:sha</c>: hash from key to SHA-256 for the entries with a TTL, so the reference of an
/// entry Redis expired natively can still be dropped.</item>
/// </list>
/// </summary>
/// <remarks>
/// A namespace name may contain neither brace: it ends at the first <c>}</c>, so a key of one namespace can never be
/// a key of another, and an entry key (arbitrary UTF-8, braces included) only follows the closed tag.
/// </remarks>
internal sealed class RedisKeyLayout
{
    private readonly byte[] _prefix;

    public RedisKeyLayout(string prefix) => _prefix = Encoding.UTF8.GetBytes(prefix);

    /// <summary>The keys of <paramref name="ns"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty, has a lone surrogate, or contains a brace.</exception>
    public RedisNamespaceKeys For(string ns, string paramName = "ns")
    {
        Utf8Keys.ValidateNamespace(ns, paramName);
        if (ns.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new ArgumentException("A namespace name must not contain '{' or '}' (it is the Redis hash tag of its keys).", paramName);
        }

        var nsLength = Encoding.UTF8.GetByteCount(ns);
        var tag = new byte[_prefix.Length + nsLength + 2];
        _prefix.CopyTo(tag, 0);
        tag[_prefix.Length] = (byte)'{';
        Encoding.UTF8.GetBytes(ns, tag.AsSpan(_prefix.Length + 1));
        tag[^1] = (byte)'}';
        return new RedisNamespaceKeys(tag);
    }
}

/// <summary>The Redis keys of one namespace; see <see cref="RedisKeyLayout"/>. Each key is built when asked for,
/// so a point read builds only its entry key.</summary>
internal readonly struct RedisNamespaceKeys
{
    private readonly byte[] _tag;

    public RedisNamespaceKeys(byte[] tag) => _tag = tag;

    /// <summary><c>&lt;prefix&gt;{ns}:meta</c></summary>
    public RedisKey Meta => Concat(_tag, ":meta"u8, []);

    /// <summary><c>&lt;prefix&gt;{ns}:idx</c></summary>
    public RedisKey Index => Concat(_tag, ":idx"u8, []);

    /// <summary><c>&lt;prefix&gt;{ns}:ttl</c></summary>
    public RedisKey Ttl => Concat(_tag, ":ttl"u8, []);

    /// <summary><c>&lt;prefix&gt;{ns}:sha</c></summary>
    public RedisKey Hashes => Concat(_tag, ":sha"u8, []);

    /// <summary><c>&lt;prefix&gt;{ns}:o:</c>, which the scripts complete with a content's SHA-256.</summary>
    public RedisValue ObjectPrefix => Concat(_tag, ":o:"u8, []);

    /// <summary><c>&lt;prefix&gt;{ns}:o:&lt;sha256&gt;</c></summary>
    public RedisKey Object(ReadOnlySpan<byte> sha256) => Concat(_tag, ":o:"u8, sha256);

    /// <summary><c>&lt;prefix&gt;{ns}:e:&lt;key&gt;</c> for the UTF-8 bytes of an entry key.</summary>
    public RedisKey Entry(ReadOnlySpan<byte> key) => Concat(_tag, ":e:"u8, key);

    private static byte[] Concat(byte[] tag, ReadOnlySpan<byte> infix, ReadOnlySpan<byte> key)
    {
        var result = new byte[tag.Length + infix.Length + key.Length];
        tag.CopyTo(result, 0);
        infix.CopyTo(result.AsSpan(tag.Length));
        key.CopyTo(result.AsSpan(tag.Length + infix.Length));
        return result;
    }
}
