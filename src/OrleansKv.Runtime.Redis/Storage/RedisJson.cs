using System.Text.Json.Serialization;

namespace OrleansKv.Runtime.Redis;

/// <summary>A silo's row in the membership hash. Its heartbeat lives in a field of its own, not here.</summary>
internal sealed record MembershipRow(
    string Silo,
    SiloStatus Status,
    string Name,
    DateTimeOffset StartTime,
    IReadOnlyList<MembershipVoteRow> Suspicions);

/// <summary>One suspicion vote in a <see cref="MembershipRow"/>.</summary>
internal sealed record MembershipVoteRow(string Voter, DateTimeOffset Time);

/// <summary>A reminder's details in the reminder hash; its ETag is stored in front of this JSON.</summary>
internal sealed record ReminderRow(string Grain, string Name, long DueMs, long? PeriodMs);

/// <summary>Source-generated JSON for the rows above: camelCase, enums by name, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MembershipRow))]
[JsonSerializable(typeof(ReminderRow))]
internal sealed partial class RedisJsonContext : JsonSerializerContext;
