namespace OrleansKv.Grains.Storage.Redis;

/// <summary>
/// The store's Lua scripts. Each touches only keys of one namespace, all passed in KEYS, so each is legal in
/// Redis Cluster and atomic. Redis does not roll a script back, so both check everything before their first write.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Claims a namespace. KEYS[1] = meta hash. Increments <c>epoch</c> (creating the namespace with revision, keys
    /// and bytes 0 on first use) and returns <c>{epoch, revision, keys, bytes, released}</c>, where <c>released</c> is the
    /// last epoch an activation released (so the previous holder is gone when it equals epoch - 1). A namespace written
    /// before <c>released</c> existed counts as released: that build kept no read leases to wait for.
    /// </summary>
    public static readonly RedisScript Claim = new("claim", """
        local before = redis.call('HMGET', KEYS[1], 'epoch', 'released')
        local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
        local released = before[2] or before[1] or '0'
        local m = redis.call('HMGET', KEYS[1], 'revision', 'keys', 'bytes')
        if not m[1] then
          redis.call('HSET', KEYS[1], 'revision', '0', 'keys', '0', 'bytes', '0', 'released', released)
          return {epoch, '0', '0', '0', released}
        end
        if not before[2] then
          redis.call('HSET', KEYS[1], 'released', released)
        end
        return {epoch, m[1], m[2] or '0', m[3] or '0', released}
        """);

    /// <summary>Releases a claim. KEYS[1] = meta hash, ARGV[1] = epoch. Sets <c>released</c> when the epoch is still current.</summary>
    public static readonly RedisScript Release = new("release", """
        if redis.call('HGET', KEYS[1], 'epoch') == ARGV[1] then
          redis.call('HSET', KEYS[1], 'released', ARGV[1])
          return 1
        end
        return 0
        """);

    /// <summary>
    /// Applies one fenced commit batch (see <see cref="RedisCommitArguments"/> for KEYS and ARGV). Returns
    /// <c>{1, keys, bytes}</c> (the counts after the commit) when applied, <c>{0}</c> when fenced: meta.epoch differs from
    /// ARGV[1] or meta.revision from ARGV[2] (a missing namespace is fenced too), and then nothing is written.
    /// </summary>
    /// <remarks>
    /// <para>A put writes the entry hash, adds the key to the index, adds it to (or removes it from) the TTL set,
    /// and sets native expiry at max(expires, now) + grace as a backstop, or PERSIST without a TTL; now is the Redis
    /// server's TIME, the clock PEXPIREAT is measured against. A delete removes the hash and both set members.</para>
    /// <para>The index decides whether a key is counted: a key is counted while it is in the index, so a key whose
    /// hash Redis already expired natively is still uncounted by the delete that sweeps it (or re-used by a put).
    /// Its value bytes cannot be known any more and stay in the byte count; its key bytes are subtracted.</para>
    /// </remarks>
    public static readonly RedisScript Commit = new("commit", """
        local meta = redis.call('HMGET', KEYS[1], 'epoch', 'revision')
        if meta[1] ~= ARGV[1] or meta[2] ~= ARGV[2] then
          return {0}
        end
        local grace = tonumber(ARGV[4])
        local now = nil
        local dkeys = 0
        local dbytes = 0
        local a = 5
        for i = 4, #KEYS do
          local entry = KEYS[i]
          local key = ARGV[a + 1]
          if ARGV[a] == 'P' then
            local value = ARGV[a + 2]
            if redis.call('ZADD', KEYS[2], 0, key) == 1 then
              dkeys = dkeys + 1
              dbytes = dbytes + #key
            end
            dbytes = dbytes + #value - (tonumber(redis.call('HGET', entry, 'size')) or 0)
            redis.call('HSET', entry, 'value', value, 'sha256', ARGV[a + 5], 'version', ARGV[a + 6],
              'created', ARGV[a + 7], 'updated', ARGV[a + 8], 'size', tostring(#value))
            if ARGV[a + 4] == '1' then
              redis.call('HSET', entry, 'type', ARGV[a + 3])
            else
              redis.call('HDEL', entry, 'type')
            end
            local expires = ARGV[a + 9]
            if expires == '' then
              redis.call('HDEL', entry, 'expires')
              redis.call('ZREM', KEYS[3], key)
              redis.call('PERSIST', entry)
            else
              redis.call('HSET', entry, 'expires', expires)
              redis.call('ZADD', KEYS[3], expires, key)
              if not now then
                local t = redis.call('TIME')
                now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
              end
              redis.call('PEXPIREAT', entry, string.format('%.0f', math.max(tonumber(expires), now) + grace))
            end
            a = a + 10
          else
            if redis.call('ZREM', KEYS[2], key) == 1 then
              dkeys = dkeys - 1
              dbytes = dbytes - #key - (tonumber(redis.call('HGET', entry, 'size')) or 0)
            end
            redis.call('ZREM', KEYS[3], key)
            redis.call('DEL', entry)
            a = a + 2
          end
        end
        redis.call('HSET', KEYS[1], 'revision', ARGV[3])
        local counts = redis.call('HMGET', KEYS[1], 'keys', 'bytes')
        local keys = tonumber(counts[1]) or 0
        local bytes = tonumber(counts[2]) or 0
        if dkeys ~= 0 then
          keys = redis.call('HINCRBY', KEYS[1], 'keys', string.format('%.0f', dkeys))
        end
        if dbytes ~= 0 then
          bytes = redis.call('HINCRBY', KEYS[1], 'bytes', string.format('%.0f', dbytes))
        end
        return {1, keys, bytes}
        """);
}
