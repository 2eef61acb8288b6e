namespace OrleansKv.Providers.Sqlite;

/// <summary>Event ids of the SQLite Orleans providers' log lines (6100–6199).</summary>
internal enum SqliteProviderLogEvent
{
    ReminderTableOpened = 6100,
    ReminderTableFailed = 6101,
    MalformedReminderRow = 6102,
    GrainStorageOpened = 6110,
    GrainStorageFailed = 6111,
    GrainStateConflict = 6112,
}
