using StackExchange.Redis;

namespace OrleansKv.Grains.Storage.Redis;

/// <summary>Reads: point reads by HMGET, listings by ZRANGEBYLEX plus pipelined HMGETs, expiry by the TTL set.</summary>
public sealed partial class RedisNamespaceStore
{
    /// <inheritdoc />
    /// <remarks>An entry Redis already expired natively reads as absent.</remarks>
    public ValueTask<StoredEntry?> ReadAsync(string ns, string key, CancellationToken cancellationToken)
    {
        var keys = _layout.For(ns);
        var entryKey = keys.Entry(Utf8Keys.Encode(key, nameof(key)));
        return RunAsync(
            "read from namespace",
            ns,
            async database => RedisEntryFields.ToEntry(key, await RedisScripts.Read.EvaluateAsync(database, [entryKey], [keys.ObjectPrefix], _onScriptReload).ConfigureAwait(false)),
            abandonOnCancel: true,
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Walks the index in byte order, <see cref="ListBatchSize"/> keys per round trip, fetching each key's size, version
    /// and expiry in one pipelined burst, until <paramref name="limit"/> live entries are found or the range ends.
    /// Entries expired at <paramref name="nowUnixMs"/> or already expired natively by Redis are skipped. A page is not
    /// a snapshot: a commit that lands while it is read may show in part of it.
    /// </remarks>
    public ValueTask<IReadOnlyList<EntrySummary>> ListPageAsync(
        string ns, string prefix, string? startAfter, int limit, long nowUnixMs, CancellationToken cancellationToken)
    {
        var keys = _layout.For(ns);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var (lower, upper) = Utf8Keys.ListRange(prefix, startAfter);
        return RunAsync(
            "list namespace",
            ns,
            database => ListAsync(database, keys, lower, upper, limit, nowUnixMs),
            abandonOnCancel: true,
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ExpiredEntry>> ReadExpiredAsync(string ns, long nowUnixMs, int limit, CancellationToken cancellationToken)
    {
        var keys = _layout.For(ns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return RunAsync(
            "read expired keys of namespace",
            ns,
            database => ReadExpiredAsync(database, keys, nowUnixMs, limit),
            abandonOnCancel: true,
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<long?> NextExpiryAsync(string ns, CancellationToken cancellationToken)
    {
        var keys = _layout.For(ns);
        return RunAsync<long?>(
            "read the next expiry of namespace",
            ns,
            async database =>
            {
                var first = await database.SortedSetRangeByRankWithScoresAsync(keys.Ttl, 0, 0).ConfigureAwait(false);
                return first.Length == 0 ? null : (long)first[0].Score;
            },
            abandonOnCancel: true,
            cancellationToken);
    }

    private static async Task<IReadOnlyList<EntrySummary>> ListAsync(
        IDatabase database, RedisNamespaceKeys keys, byte[] lower, byte[] upper, int limit, long nowUnixMs)
    {
        var page = new List<EntrySummary>(Math.Min(limit, ListBatchSize));
        var index = keys.Index;
        RedisValue min = lower;
        var exclude = Exclude.Stop;
        while (page.Count < limit)
        {
            var take = Math.Min(limit - page.Count, ListBatchSize);
            var members = await database.SortedSetRangeByValueAsync(index, min, upper, exclude, Order.Ascending, 0, take).ConfigureAwait(false);
            if (members.Length == 0)
            {
                break;
            }

            var reads = new Task<RedisValue[]>[members.Length];
            for (var i = 0; i < members.Length; i++)
            {
                reads[i] = database.HashGetAsync(keys.Entry((byte[])members[i]!), RedisEntryFields.Summary);
            }

            for (var i = 0; i < members.Length; i++)
            {
                var fields = await reads[i].ConfigureAwait(false);
                if (RedisEntryFields.ToSummary(Utf8Keys.Decode((byte[])members[i]!), fields, nowUnixMs) is { } summary)
                {
                    page.Add(summary);
                }
            }

            if (members.Length < take)
            {
                break;
            }

            min = members[^1];
            exclude = Exclude.Both;
        }

        return page;
    }

    private static async Task<IReadOnlyList<ExpiredEntry>> ReadExpiredAsync(IDatabase database, RedisNamespaceKeys keys, long nowUnixMs, int limit)
    {
        var due = await database.SortedSetRangeByScoreWithScoresAsync(
            keys.Ttl, double.NegativeInfinity, nowUnixMs, Exclude.None, Order.Ascending, 0, limit).ConfigureAwait(false);
        var versions = new Task<RedisValue>[due.Length];
        for (var i = 0; i < due.Length; i++)
        {
            versions[i] = database.HashGetAsync(keys.Entry((byte[])due[i].Element!), RedisEntryFields.VersionField);
        }

        var expired = new List<ExpiredEntry>(due.Length);
        for (var i = 0; i < due.Length; i++)
        {
            var version = await versions[i].ConfigureAwait(false);
            expired.Add(new ExpiredEntry(Utf8Keys.Decode((byte[])due[i].Element!), version.IsNull ? 0 : (long)version, (long)due[i].Score));
        }

        return expired;
    }
}
