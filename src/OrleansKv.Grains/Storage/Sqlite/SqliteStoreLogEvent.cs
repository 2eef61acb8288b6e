namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>Event ids of the embedded store's log lines (4100–4199).</summary>
internal enum SqliteStoreLogEvent
{
    StoreOpened = 4100,
    StoreClosed = 4101,
    WriteFailed = 4110,
    TransactionFailed = 4111,
    WriterLoopFailed = 4112,
    CheckpointFailed = 4113,
    ReadFailed = 4120,
}
