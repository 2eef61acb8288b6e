namespace OrleansKv.Server.Configuration;

/// <summary>How the server stores data when it runs without Redis.</summary>
public enum DurabilityMode
{
    /// <summary>SQLite <c>synchronous=FULL</c>: an fsync per group commit; a power loss loses nothing acknowledged.</summary>
    Full,

    /// <summary>SQLite <c>synchronous=NORMAL</c>: survives a process crash, not a power loss.</summary>
    Relaxed,
}
