using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace OrleansKv.Runtime.Redis;

/// <summary>
/// The reminder table in two keys under the cluster's hash tag: a hash <c>okv:{cluster}:reminders</c> of reminder
/// id → <c>etag|JSON</c>, and a sorted set <c>okv:{cluster}:reminders:due</c> of reminder ids scored by due time
/// (Unix ms). Every write is one Lua script over both, conditional on the ETag when one is given. An ETag is a
/// random token per write, so it never repeats — not after a remove and re-insert, not after a Redis restart.
/// </summary>
internal sealed partial class RedisReminderTable : IReminderTable
{
    // ARGV: id, '1' when conditional, expected ETag, new ETag, JSON, due score.
    private static readonly RedisScript UpsertScript = new("reminder upsert", """
        if ARGV[2] == '1' then
            local current = redis.call('HGET', KEYS[1], ARGV[1])
            if not current then
                return 0
            end
            local bar = string.find(current, '|', 1, true)
            if (not bar) or string.sub(current, 1, bar - 1) ~= ARGV[3] then
                return 0
            end
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[4] .. '|' .. ARGV[5])
        redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1])
        return 1
        """);

    // ARGV: id, '1' when conditional, expected ETag.
    private static readonly RedisScript RemoveScript = new("reminder remove", """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if not current then
            return 0
        end
        if ARGV[2] == '1' then
            local bar = string.find(current, '|', 1, true)
            if (not bar) or string.sub(current, 1, bar - 1) ~= ARGV[3] then
                return 0
            end
        end
        redis.call('HDEL', KEYS[1], ARGV[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        return 1
        """);

    // ARGV: latest due score, limit. One script, so every returned row is the one the due index pointed at.
    // An index entry without a row (only possible by hand) is dropped rather than blocking the head forever.
    private static readonly RedisScript ReadDueScript = new("reminder read due", """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
        local rows = {}
        for i = 1, #ids do
            local row = redis.call('HGET', KEYS[1], ids[i])
            if row then
                rows[#rows + 1] = row
            else
                redis.call('ZREM', KEYS[2], ids[i])
            end
        end
        return rows
        """);

    private readonly RedisConnection _connection;
    private readonly RedisKey[] _keys;
    private readonly ILogger<RedisReminderTable> _logger;

    public RedisReminderTable(RedisConnection connection, RedisKeys keys, ILogger<RedisReminderTable> logger)
    {
        _connection = connection;
        _keys = [keys.Reminders, keys.RemindersDue];
        _logger = logger;
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => _connection.ConnectAsync(cancellationToken);

    public async Task<string?> UpsertAsync(ReminderEntry entry, string? expectedETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.Name);
        var etag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var dueMs = entry.DueTime.ToUnixTimeMilliseconds();
        var json = JsonSerializer.Serialize(
            new ReminderRow(entry.GrainId.ToString(), entry.Name, dueMs, entry.Period is { } p ? (long)p.TotalMilliseconds : null),
            RedisJsonContext.Default.ReminderRow);
        var result = await _connection.EvaluateAsync(
            UpsertScript,
            _keys,
            [RedisKeys.ReminderId(entry.GrainId, entry.Name), expectedETag is null ? "0" : "1", expectedETag ?? string.Empty, etag, json, dueMs],
            cancellationToken).ConfigureAwait(false);
        return (long)result == 1 ? etag : null;
    }

    public async Task<bool> RemoveAsync(GrainId grainId, string name, string? expectedETag, CancellationToken cancellationToken)
    {
        var result = await _connection.EvaluateAsync(
            RemoveScript,
            _keys,
            [RedisKeys.ReminderId(grainId, name), expectedETag is null ? "0" : "1", expectedETag ?? string.Empty],
            cancellationToken).ConfigureAwait(false);
        return (long)result == 1;
    }

    public async Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        var id = RedisKeys.ReminderId(grainId, name);
        var value = await _connection.RunAsync("reminder read", db => db.HashGetAsync(_keys[0], id), cancellationToken).ConfigureAwait(false);
        return value.IsNull ? null : Parse(value);
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return [];
        }

        var result = await _connection.EvaluateAsync(
            ReadDueScript,
            _keys,
            [dueBefore.ToUnixTimeMilliseconds(), limit],
            cancellationToken).ConfigureAwait(false);
        var rows = (RedisValue[]?)result ?? [];
        var due = new List<ReminderEntry>(rows.Length);
        foreach (var row in rows)
        {
            if (Parse(row) is { } entry)
            {
                due.Add(entry);
            }
        }

        return due;
    }

    /// <summary>Parses <c>etag|JSON</c>; a malformed value is logged and skipped (<c>null</c>).</summary>
    private ReminderEntry? Parse(RedisValue value)
    {
        var text = (string?)value ?? string.Empty;
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        try
        {
            var row = bar > 0 ? JsonSerializer.Deserialize(text.AsSpan(bar + 1), RedisJsonContext.Default.ReminderRow) : null;
            if (row is not null && GrainId.TryParse(row.Grain, out var grainId) && !string.IsNullOrEmpty(row.Name))
            {
                return new ReminderEntry(
                    grainId.Value,
                    row.Name,
                    DateTimeOffset.FromUnixTimeMilliseconds(row.DueMs),
                    row.PeriodMs is { } period ? TimeSpan.FromMilliseconds(period) : null,
                    text[..bar]);
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentOutOfRangeException)
        {
        }

        LogMalformedReminder(_logger, _keys[0]);
        return null;
    }

    [LoggerMessage(EventId = (int)RedisProviderLogEvent.MalformedReminder, Level = LogLevel.Warning, Message = "Skipping a malformed reminder in {Key}")]
    private static partial void LogMalformedReminder(ILogger logger, RedisKey key);
}
