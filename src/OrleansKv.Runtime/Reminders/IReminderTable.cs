namespace OrleansKv.Runtime;

/// <summary>A durable reminder as stored in the reminder table.</summary>
/// <param name="GrainId">The grain it is delivered to.</param>
/// <param name="Name">Its name, unique per grain.</param>
/// <param name="DueTime">When it fires next.</param>
/// <param name="Period">The interval of a periodic reminder, or <c>null</c> for one that fires once.</param>
/// <param name="ETag">The version of the row, for conditional updates (empty when not yet stored).</param>
public sealed record ReminderEntry(GrainId GrainId, string Name, DateTimeOffset DueTime, TimeSpan? Period, string ETag);

/// <summary>
/// The reminder table provider: durable reminders that outlive activations, silo restarts and failover.
/// Implementations: <see cref="SqliteReminderTable"/> (embedded) and the Redis one (cluster).
/// </summary>
public interface IReminderTable
{
    /// <summary>Creates what the table needs; idempotent.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="entry"/> (its ETag is ignored). When <paramref name="expectedETag"/> is given the write
    /// applies only if the stored row still has that ETag. Returns the new ETag, or <c>null</c> when the condition failed.
    /// </summary>
    Task<string?> UpsertAsync(ReminderEntry entry, string? expectedETag, CancellationToken cancellationToken);

    /// <summary>Removes the reminder, only if its ETag matches when <paramref name="expectedETag"/> is given.
    /// Returns whether a row was removed.</summary>
    Task<bool> RemoveAsync(GrainId grainId, string name, string? expectedETag, CancellationToken cancellationToken);

    /// <summary>Reads one reminder, or <c>null</c>.</summary>
    Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="limit"/> reminders due at or before <paramref name="dueBefore"/>, earliest first.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken);
}
