using System.Globalization;
using StackExchange.Redis;

namespace OrleansKv.Runtime.Redis;

/// <summary>
/// The grain directory as one Redis string per grain (<c>okv:&lt;cluster&gt;:dir:{&lt;grain id&gt;}</c>, tagged per grain;
/// see <see cref="RedisKeys"/> for why) holding <c>&lt;silo&gt;#&lt;activation id&gt;</c>. Registration and
/// unregistration are Lua compares on that exact value, so at most one activation is registered per grain and
/// an old activation can never remove or overwrite a newer one's entry.
/// </summary>
internal sealed class RedisGrainDirectory : IGrainDirectory
{
    // ARGV: new value, previous value or '' (none). Registers when absent or equal to previous; returns the
    // value registered afterwards.
    private static readonly RedisScript RegisterScript = new("directory register", """
        local current = redis.call('GET', KEYS[1])
        if (not current) or (ARGV[2] ~= '' and current == ARGV[2]) then
            redis.call('SET', KEYS[1], ARGV[1])
            return ARGV[1]
        end
        return current
        """);

    // ARGV: value. Deletes only that exact registration.
    private static readonly RedisScript UnregisterScript = new("directory unregister", """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
            return redis.call('DEL', KEYS[1])
        end
        return 0
        """);

    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;

    public RedisGrainDirectory(RedisConnection connection, RedisKeys keys)
    {
        _connection = connection;
        _keys = keys;
    }

    public async Task<GrainAddress> RegisterAsync(GrainAddress address, GrainAddress? previous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (previous is not null && previous.GrainId != address.GrainId)
        {
            throw new ArgumentException("The previous entry must be of the same grain.", nameof(previous));
        }

        var key = _keys.Directory(address.GrainId);
        var result = await _connection.EvaluateAsync(
            RegisterScript,
            [key],
            [Encode(address), previous is null ? RedisValue.EmptyString : Encode(previous)],
            cancellationToken).ConfigureAwait(false);
        return Decode(address.GrainId, (RedisValue)result, key);
    }

    public async Task<GrainAddress?> LookupAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        var key = _keys.Directory(grainId);
        var value = await _connection.RunAsync("directory lookup", db => db.StringGetAsync(key), cancellationToken).ConfigureAwait(false);
        return value.IsNull ? null : Decode(grainId, value, key);
    }

    public async Task UnregisterAsync(GrainAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        await _connection.EvaluateAsync(UnregisterScript, [_keys.Directory(address.GrainId)], [Encode(address)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>host:port@generation#activationId</c>: canonical, so equal addresses encode equally.</summary>
    internal static RedisValue Encode(GrainAddress address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address.Silo}#{address.ActivationId}");

    private static GrainAddress Decode(GrainId grainId, RedisValue value, RedisKey key)
    {
        var text = (string?)value ?? string.Empty;
        var hash = text.LastIndexOf('#');
        if (hash > 0
            && SiloAddress.TryParse(text[..hash], out var silo)
            && long.TryParse(text.AsSpan(hash + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var activationId))
        {
            return new GrainAddress(grainId, silo, activationId);
        }

        throw new RedisProviderException($"The directory entry {key} is malformed (expected silo#activationId).");
    }
}
