using System.Globalization;
using StackExchange.Redis;

namespace OrleansKv.Runtime.Redis;

/// <summary>
/// The key layout of the runtime's Redis providers, in one place. With the defaults (<c>okv:</c>, cluster
/// <c>c1</c>):
/// <list type="bullet">
/// <item><c>okv:{c1}:members</c> — hash: <c>version</c>, <c>row:&lt;silo&gt;</c> (JSON), <c>alive:&lt;silo&gt;</c> (heartbeat).</item>
/// <item><c>okv:{c1}:reminders</c> — hash: reminder id → <c>etag|JSON</c>; <c>okv:{c1}:reminders:due</c> — sorted set
/// of reminder ids by due time (Unix ms). Both carry the tag <c>{c1}</c>: one Lua script updates both.</item>
/// <item><c>okv:c1:dir:{ns/tenant}</c> — string per grain: <c>&lt;silo&gt;#&lt;activation id&gt;</c>.</item>
/// </list>
/// </summary>
/// <remarks>
/// Why the directory is tagged per grain and not per cluster: a hash tag pins every key carrying it to one Redis
/// Cluster slot, hence one shard. The membership table and the reminder table need that (their scripts span
/// several fields or keys, and reading due reminders is a range over all of them), and both are small. The
/// directory is the opposite: one entry per active grain — 100k+ — read on every cold call and written on every
/// activation, and each of its operations touches exactly one key. A cluster-wide tag would put that whole load
/// and memory on a single shard and make it impossible to scale out; tagging by grain id spreads entries evenly
/// over all slots, and nothing is lost because no directory operation spans two grains. The cluster id stays in
/// the key (outside the tag) so clusters sharing a Redis remain apart. Grain ids may contain braces: Redis then
/// hashes a prefix of the id, which is still deterministic and non-empty (the grain type comes first).
/// </remarks>
internal sealed class RedisKeys
{
    /// <summary>What the field of a silo's row in <see cref="Members"/> starts with; the silo address follows.</summary>
    public const string MemberRowPrefix = "row:";

    /// <summary>What the field of a silo's heartbeat in <see cref="Members"/> starts with; the silo address follows.</summary>
    public const string MemberAlivePrefix = "alive:";

    private readonly string _directoryPrefix;

    public RedisKeys(string prefix, string clusterId)
    {
        Members = $"{prefix}{{{clusterId}}}:members";
        Reminders = $"{prefix}{{{clusterId}}}:reminders";
        RemindersDue = $"{prefix}{{{clusterId}}}:reminders:due";
        _directoryPrefix = $"{prefix}{clusterId}:dir:";
    }

    public RedisKey Members { get; }

    public RedisKey Reminders { get; }

    public RedisKey RemindersDue { get; }

    public RedisKey Directory(GrainId grainId) => $"{_directoryPrefix}{{{grainId}}}";

    /// <summary>The field of a silo's row in <see cref="Members"/>.</summary>
    public static RedisValue MemberRow(SiloAddress silo) => MemberRowPrefix + silo;

    /// <summary>The field of a silo's heartbeat in <see cref="Members"/>.</summary>
    public static RedisValue MemberAlive(SiloAddress silo) => MemberAlivePrefix + silo;

    /// <summary>
    /// The id of a reminder in <see cref="Reminders"/> and <see cref="RemindersDue"/>: length-prefixed, so no
    /// grain id and name pair can collide with another whatever characters they hold.
    /// </summary>
    public static RedisValue ReminderId(GrainId grainId, string name)
    {
        var grain = grainId.ToString();
        return string.Create(CultureInfo.InvariantCulture, $"{grain.Length}:{grain}:{name}");
    }
}
