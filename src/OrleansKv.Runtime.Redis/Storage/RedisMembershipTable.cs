using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrleansKv.Runtime.Redis;

/// <summary>
/// The membership table in one Redis hash per cluster (<c>okv:{cluster}:members</c>): a <c>version</c> field, a
/// <c>row:&lt;silo&gt;</c> field with each silo's JSON and an <c>alive:&lt;silo&gt;</c> field with its heartbeat. A row
/// write is a Lua compare-and-set on the version; a heartbeat touches only its own field and never the version,
/// so heartbeats and CAS writes cannot race each other. A missing hash (first start, or a Redis restart without
/// persistence) reads as an empty table at version 0 and accepts a write at version 0, so silos re-insert their
/// rows instead of failing forever (dotnet/orleans#7784).
/// </summary>
internal sealed partial class RedisMembershipTable : IMembershipTable
{
    private const string VersionField = "version";

    // ARGV: expected version, row field, row JSON, alive field, heartbeat (19-digit UTC ticks). The heartbeat
    // only moves forward here, so a CAS write carrying an older time never undoes a concurrent heartbeat.
    private static readonly RedisScript WriteScript = new("membership write", """
        local current = redis.call('HGET', KEYS[1], 'version') or '0'
        if current ~= ARGV[1] then
            return 0
        end
        redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
        local alive = redis.call('HGET', KEYS[1], ARGV[4])
        if (not alive) or alive < ARGV[5] then
            redis.call('HSET', KEYS[1], ARGV[4], ARGV[5])
        end
        redis.call('HINCRBY', KEYS[1], 'version', 1)
        return 1
        """);

    // ARGV: row field, alive field, heartbeat. No row, no heartbeat: nothing orphaned is left behind.
    private static readonly RedisScript HeartbeatScript = new("membership heartbeat", """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
            return 0
        end
        redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
        return 1
        """);

    // ARGV: groups of (row field, row JSON as read, alive field, heartbeat as read); a row is removed only if
    // neither changed since it was judged defunct.
    private static readonly RedisScript CleanupScript = new("membership cleanup", """
        local removed = 0
        for i = 1, #ARGV, 4 do
            if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1]
                and (redis.call('HGET', KEYS[1], ARGV[i + 2]) or '') == ARGV[i + 3] then
                redis.call('HDEL', KEYS[1], ARGV[i], ARGV[i + 2])
                removed = removed + 1
            end
        end
        return removed
        """);

    private readonly RedisConnection _connection;
    private readonly RedisKey _key;
    private readonly ILogger<RedisMembershipTable> _logger;

    public RedisMembershipTable(RedisConnection connection, RedisKeys keys, ILogger<RedisMembershipTable> logger)
    {
        _connection = connection;
        _key = keys.Members;
        _logger = logger;
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => _connection.ConnectAsync(cancellationToken);

    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken)
    {
        var snapshot = await ReadRawAsync(cancellationToken).ConfigureAwait(false);
        return new MembershipTableData(snapshot.Version, [.. snapshot.Rows.Select(r => r.Entry)]);
    }

    public async Task<bool> TryWriteAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var result = await _connection.EvaluateAsync(
            WriteScript,
            [_key],
            [
                expectedVersion.ToString(CultureInfo.InvariantCulture),
                RedisKeys.MemberRow(entry.Silo),
                Serialize(entry),
                RedisKeys.MemberAlive(entry.Silo),
                FormatHeartbeat(entry.IAmAliveTime),
            ],
            cancellationToken).ConfigureAwait(false);
        return (long)result == 1;
    }

    public async Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var result = await _connection.EvaluateAsync(
            HeartbeatScript,
            [_key],
            [RedisKeys.MemberRow(silo), RedisKeys.MemberAlive(silo), FormatHeartbeat(time)],
            cancellationToken).ConfigureAwait(false);
        if ((long)result == 0)
        {
            // Not an error: the membership service re-inserts the row on its next refresh.
            LogHeartbeatWithoutRow(_logger, silo);
        }
    }

    public async Task CleanupDefunctEntriesAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var snapshot = await ReadRawAsync(cancellationToken).ConfigureAwait(false);
        var args = snapshot.Rows
            .Where(r => r.Entry.Status == SiloStatus.Dead && r.Entry.IAmAliveTime < olderThan)
            .SelectMany(r => new[] { RedisKeys.MemberRow(r.Entry.Silo), r.RowJson, RedisKeys.MemberAlive(r.Entry.Silo), r.Heartbeat })
            .ToArray();
        if (args.Length == 0)
        {
            return;
        }

        var removed = (long)await _connection.EvaluateAsync(CleanupScript, [_key], args, cancellationToken).ConfigureAwait(false);
        LogDefunctRemoved(_logger, removed);
    }

    private async Task<RawTable> ReadRawAsync(CancellationToken cancellationToken)
    {
        var fields = await _connection.RunAsync("membership read", db => db.HashGetAllAsync(_key), cancellationToken).ConfigureAwait(false);
        long version = 0;
        var rows = new Dictionary<string, RedisValue>(StringComparer.Ordinal);
        var heartbeats = new Dictionary<string, RedisValue>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            var name = (string)field.Name!;
            if (name == VersionField)
            {
                version = long.TryParse((string?)field.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
                    ? v
                    : throw new RedisProviderException($"The membership table {_key} has a malformed version field.");
            }
            else if (name.StartsWith(RedisKeys.MemberRowPrefix, StringComparison.Ordinal))
            {
                rows[name[RedisKeys.MemberRowPrefix.Length..]] = field.Value;
            }
            else if (name.StartsWith(RedisKeys.MemberAlivePrefix, StringComparison.Ordinal))
            {
                heartbeats[name[RedisKeys.MemberAlivePrefix.Length..]] = field.Value;
            }
        }

        var parsed = new List<RawRow>(rows.Count);
        foreach (var (silo, json) in rows)
        {
            var heartbeat = heartbeats.GetValueOrDefault(silo, RedisValue.EmptyString);
            if (TryParse(json, heartbeat, out var entry))
            {
                parsed.Add(new RawRow(entry, json, heartbeat));
            }
            else
            {
                // Skipped, not fatal: if it is this silo's row, the membership service writes it again.
                LogMalformedRow(_logger, silo);
            }
        }

        return new RawTable(version, parsed);
    }

    private static RedisValue Serialize(MembershipEntry entry) => JsonSerializer.Serialize(
        new MembershipRow(
            entry.Silo.ToString(),
            entry.Status,
            entry.SiloName,
            entry.StartTime,
            [.. entry.Suspicions.Select(v => new MembershipVoteRow(v.Voter.ToString(), v.Time))]),
        RedisJsonContext.Default.MembershipRow);

    private static bool TryParse(RedisValue json, RedisValue heartbeat, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MembershipEntry? entry)
    {
        entry = null;
        try
        {
            var row = JsonSerializer.Deserialize((string?)json ?? string.Empty, RedisJsonContext.Default.MembershipRow);
            if (row is null || !SiloAddress.TryParse(row.Silo, out var silo))
            {
                return false;
            }

            var votes = new List<SuspectVote>(row.Suspicions?.Count ?? 0);
            foreach (var vote in row.Suspicions ?? [])
            {
                if (!SiloAddress.TryParse(vote.Voter, out var voter))
                {
                    return false;
                }

                votes.Add(new SuspectVote(voter, vote.Time));
            }

            var alive = long.TryParse((string?)heartbeat, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? new DateTimeOffset(ticks, TimeSpan.Zero)
                : row.StartTime;
            entry = new MembershipEntry(silo, row.Status, row.Name ?? string.Empty, row.StartTime, alive, [.. votes]);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Fixed-width UTC ticks, so Lua's string comparison orders heartbeats by time.</summary>
    private static RedisValue FormatHeartbeat(DateTimeOffset time) => time.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    private sealed record RawRow(MembershipEntry Entry, RedisValue RowJson, RedisValue Heartbeat);

    private sealed record RawTable(long Version, IReadOnlyList<RawRow> Rows);

    [LoggerMessage(EventId = (int)RedisProviderLogEvent.HeartbeatWithoutRow, Level = LogLevel.Debug, Message = "Heartbeat of {Silo} not written: the membership table has no row for it (yet)")]
    private static partial void LogHeartbeatWithoutRow(ILogger logger, SiloAddress silo);

    [LoggerMessage(EventId = (int)RedisProviderLogEvent.MalformedMembershipRow, Level = LogLevel.Warning, Message = "Skipping the malformed membership row of {Silo}")]
    private static partial void LogMalformedRow(ILogger logger, string silo);

    [LoggerMessage(EventId = (int)RedisProviderLogEvent.DefunctEntriesRemoved, Level = LogLevel.Information, Message = "Removed {Count} defunct membership rows")]
    private static partial void LogDefunctRemoved(ILogger logger, long count);
}
