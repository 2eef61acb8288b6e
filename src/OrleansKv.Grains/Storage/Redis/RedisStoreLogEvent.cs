namespace OrleansKv.Grains.Storage.Redis;

/// <summary>Event ids of the Redis store's log lines (4200–4299).</summary>
internal enum RedisStoreLogEvent
{
    StoreConnected = 4200,
    StoreClosed = 4201,
    ConnectFailed = 4202,
    ScriptReloaded = 4210,
    OperationFailed = 4220,
    ReplicasDidNotConfirm = 4221,
}
