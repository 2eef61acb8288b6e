namespace OrleansKv.Runtime;

/// <summary>Event ids of the runtime's log lines, one range per area.</summary>
internal enum RuntimeEventId
{
    // Activations 1000–1099
    ActivationFailed = 1000,
    DeactivationFailed = 1001,
    ActivationCollected = 1002,
    DeactivatingAll = 1003,
    DirectoryUnregisterFailed = 1004,
    DirectoryReRegisterFailed = 1005,

    // Timers and reminders 1100–1199
    TimerTickFailed = 1100,
    ReminderDeliveryFailed = 1101,
    ReminderPollFailed = 1102,

    // Membership 1200–1299
    MembershipJoined = 1200,
    MembershipChanged = 1201,
    MembershipTableError = 1202,
    SiloSuspected = 1203,
    SiloDeclaredDead = 1204,
    SiloProbeFailed = 1205,
    LocalSiloDeclaredDead = 1206,
    MembershipLeft = 1207,

    // Calls and messaging 1300–1399
    CallRetried = 1300,
    RemoteCallFailed = 1301,
    IncomingCallFailed = 1302,

    // Host 1400–1499
    SiloStarted = 1400,
    SiloStopping = 1401,
    SiloStopped = 1402,
}
