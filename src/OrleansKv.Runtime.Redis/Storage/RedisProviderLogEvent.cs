namespace OrleansKv.Runtime.Redis;

/// <summary>Event ids of the Redis providers' log lines (2100–2199).</summary>
internal enum RedisProviderLogEvent
{
    Connecting = 2100,
    ConnectionFailed = 2101,
    ConnectionRestored = 2102,
    ScriptReloaded = 2103,
    OperationFailed = 2104,
    HeartbeatWithoutRow = 2110,
    MalformedMembershipRow = 2111,
    DefunctEntriesRemoved = 2112,
    MalformedReminder = 2120,
}
