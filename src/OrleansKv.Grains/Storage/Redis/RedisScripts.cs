namespace OrleansKv.Grains.Storage.Redis;

/// <summary>
/// The store's Lua scripts. Each touches only keys of one namespace: those it is given in KEYS, and the object hashes
/// of the namespace (<c>&lt;prefix&gt;{ns}:o:&lt;sha256&gt;</c>), which share the namespace's hash tag, so each runs on one
/// Redis Cluster slot and is atomic. Redis does not roll a script back, so each checks everything before its first write.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Claims a namespace. KEYS[1] = meta hash. Increments <c>epoch</c> (creating the namespace with revision, keys
    /// and bytes 0 on first use) and returns <c>{epoch, revision, keys, bytes, released, objects, stored}</c>, where
    /// <c>released</c> is the last epoch an activation released (so the previous holder is gone when it equals epoch - 1).
    /// A namespace written before <c>released</c> existed counts as released: that build kept no read leases to wait for.
    /// </summary>
    public static readonly RedisScript Claim = new("claim", """
        local before = redis.call('HMGET', KEYS[1], 'epoch', 'released')
        local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
        local released = before[2] or before[1] or '0'
        local m = redis.call('HMGET', KEYS[1], 'revision', 'keys', 'bytes', 'objects', 'stored')
        if not m[1] then
          redis.call('HSET', KEYS[1], 'revision', '0', 'keys', '0', 'bytes', '0', 'objects', '0', 'stored', '0', 'released', released)
          return {epoch, '0', '0', '0', released, '0', '0'}
        end
        if not before[2] then
          redis.call('HSET', KEYS[1], 'released', released)
        end
        return {epoch, m[1], m[2] or '0', m[3] or '0', released, m[4] or '0', m[5] or '0'}
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
    /// Reads one entry with its content. KEYS[1] = entry hash, ARGV[1] = the namespace's object key prefix. Returns nil
    /// when absent, else <c>{type, sha256, version, created, updated, expires, size, data, encoding, refs}</c>. An entry
    /// written before contents were deduplicated keeps its value in its own hash and counts as one reference.
    /// </summary>
    public static readonly RedisScript Read = new("read", """
        local e = redis.call('HMGET', KEYS[1], 'type', 'sha256', 'version', 'created', 'updated', 'expires', 'size', 'value')
        if not e[2] then
          return nil
        end
        if e[8] then
          return {e[1], e[2], e[3], e[4], e[5], e[6], e[7], e[8], '0', '1'}
        end
        local o = redis.call('HMGET', ARGV[1] .. e[2], 'data', 'enc', 'refs')
        return {e[1], e[2], e[3], e[4], e[5], e[6], e[7], o[1], o[2], o[3]}
        """);

    /// <summary>
    /// Applies one fenced commit batch (see <see cref="RedisCommitArguments"/> for KEYS and ARGV). Returns
    /// <c>{1, keys, bytes, objects, stored, dedup hits, sha256, refs, sha256, refs, ...}</c> (counts after the commit, and
    /// the reference count of every content it touched) when applied, <c>{0}</c> when fenced: meta.epoch differs from
    /// ARGV[1] or meta.revision from ARGV[2] (a missing namespace is fenced too), and then nothing is written.
    /// </summary>
    /// <remarks>
    /// <para>A put writes the entry hash (without its value), points it at the object of its SHA-256 (adding a
    /// reference, or creating the object with the bytes sent), drops the reference of the content it replaces (the last
    /// reference deletes the object), adds the key to the index, and to (or removes it from) the TTL set. An entry with
    /// a TTL also gets native expiry at max(expires, now) + grace as a backstop, and its SHA-256 in the hashes hash, so
    /// that its reference can still be dropped after Redis expired it; now is the Redis server's TIME, the clock
    /// PEXPIREAT is measured against. A delete removes the hash and both set members and drops the reference.</para>
    /// <para>The index decides whether a key is counted: a key is counted while it is in the index, so a key whose hash
    /// Redis already expired natively is still uncounted by the delete that sweeps it (or re-used by a put). Its value
    /// bytes cannot be known any more and stay in the byte count; its key bytes are subtracted.</para>
    /// </remarks>
    public static readonly RedisScript Commit = new("commit", """
        local meta = redis.call('HMGET', KEYS[1], 'epoch', 'revision')
        if meta[1] ~= ARGV[1] or meta[2] ~= ARGV[2] then
          return {0}
        end
        local grace = tonumber(ARGV[4])
        local objects = ARGV[5]
        local hashes = KEYS[4]
        local now = nil
        local dkeys, dbytes, dobjects, dstored, dedup = 0, 0, 0, 0, 0
        local touched, order = {}, {}
        local function note(sha, refs)
          if touched[sha] == nil then
            order[#order + 1] = sha
          end
          touched[sha] = refs
        end
        local function acquire(sha, data, enc, size)
          local o = objects .. sha
          if redis.call('EXISTS', o) == 1 then
            note(sha, redis.call('HINCRBY', o, 'refs', 1))
            dedup = dedup + 1
          else
            redis.call('HSET', o, 'data', data, 'enc', enc, 'size', size, 'stored', tostring(#data), 'refs', '1')
            dobjects = dobjects + 1
            dstored = dstored + #data
            note(sha, 1)
          end
        end
        local function release(sha)
          local o = objects .. sha
          local refs = redis.call('HINCRBY', o, 'refs', -1)
          if refs <= 0 then
            dstored = dstored - (tonumber(redis.call('HGET', o, 'stored')) or 0)
            redis.call('DEL', o)
            dobjects = dobjects - 1
            refs = 0
          end
          note(sha, refs)
        end
        -- The content an entry holds: its own hash's, else (Redis expired the hash) the one recorded for its TTL.
        local function held(entry, key)
          local f = redis.call('HMGET', entry, 'sha256', 'value')
          if f[2] then
            return nil
          end
          return f[1] or redis.call('HGET', hashes, key)
        end
        local a = 6
        for i = 5, #KEYS do
          local entry = KEYS[i]
          local key = ARGV[a + 1]
          if ARGV[a] == 'P' then
            local data, enc, size, sha = ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 7]
            local old = held(entry, key)
            if old ~= sha then
              acquire(sha, data, enc, size)
              if old then
                release(old)
              end
            end
            if redis.call('ZADD', KEYS[2], 0, key) == 1 then
              dkeys = dkeys + 1
              dbytes = dbytes + #key
            end
            dbytes = dbytes + tonumber(size) - (tonumber(redis.call('HGET', entry, 'size')) or 0)
            redis.call('HSET', entry, 'sha256', sha, 'version', ARGV[a + 8], 'created', ARGV[a + 9], 'updated', ARGV[a + 10], 'size', size)
            redis.call('HDEL', entry, 'value')
            if ARGV[a + 6] == '1' then
              redis.call('HSET', entry, 'type', ARGV[a + 5])
            else
              redis.call('HDEL', entry, 'type')
            end
            local expires = ARGV[a + 11]
            if expires == '' then
              redis.call('HDEL', entry, 'expires')
              redis.call('ZREM', KEYS[3], key)
              redis.call('HDEL', hashes, key)
              redis.call('PERSIST', entry)
            else
              redis.call('HSET', entry, 'expires', expires)
              redis.call('ZADD', KEYS[3], expires, key)
              redis.call('HSET', hashes, key, sha)
              if not now then
                local t = redis.call('TIME')
                now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
              end
              redis.call('PEXPIREAT', entry, string.format('%.0f', math.max(tonumber(expires), now) + grace))
            end
            a = a + 12
          else
            if redis.call('ZREM', KEYS[2], key) == 1 then
              dkeys = dkeys - 1
              dbytes = dbytes - #key - (tonumber(redis.call('HGET', entry, 'size')) or 0)
              local old = held(entry, key)
              if old then
                release(old)
              end
            end
            redis.call('ZREM', KEYS[3], key)
            redis.call('HDEL', hashes, key)
            redis.call('DEL', entry)
            a = a + 2
          end
        end
        redis.call('HSET', KEYS[1], 'revision', ARGV[3])
        local function add(field, d)
          if d ~= 0 then
            return redis.call('HINCRBY', KEYS[1], field, string.format('%.0f', d))
          end
          return tonumber(redis.call('HGET', KEYS[1], field)) or 0
        end
        local result = {1, add('keys', dkeys), add('bytes', dbytes), add('objects', dobjects), add('stored', dstored), dedup}
        for _, sha in ipairs(order) do
          result[#result + 1] = sha
          result[#result + 1] = touched[sha]
        end
        return result
        """);
}
