namespace OrleansKv.Grains;

/// <summary>
/// How long an activation may answer from memory after the store last confirmed that it still owns its namespace.
/// Every successful claim, commit or epoch check renews it from the moment that store call <em>started</em>; when it
/// has run out, the next operation checks the epoch in the store before answering.
/// </summary>
/// <remarks>
/// <para>A claim that finds the previous epoch unreleased waits one lease <see cref="Duration"/> before serving: by then
/// the previous activation's lease has run out, wherever it is, so it checks the store before its next answer and
/// retires. Frozen (SIGSTOP) or partitioned activations therefore cannot serve a stale read once a newer one serves.
/// This assumes only that clocks on two silos advance at about the same rate over one lease, not that they agree.</para>
/// <para>A <c>null</c> duration means this silo is the only one that can ever hold the namespace (embedded mode, one
/// process over its own database): the lease never runs out and nothing waits.</para>
/// </remarks>
internal sealed class OwnershipLease(TimeProvider time, TimeSpan? duration)
{
    private readonly long _durationTicks = duration is { } d ? (long)(d.TotalSeconds * time.TimestampFrequency) : 0;
    private long _validUntil;

    /// <summary>The lease length; null when the lease never runs out.</summary>
    public TimeSpan? Duration => duration;

    /// <summary>True while the activation may answer without asking the store.</summary>
    public bool IsHeld => duration is null || time.GetTimestamp() < _validUntil;

    /// <summary>Renews from <paramref name="startedAt"/>, the timestamp at which a store call that proved ownership began.</summary>
    public void Renew(long startedAt) => _validUntil = Math.Max(_validUntil, startedAt + _durationTicks);

    /// <summary>Ends the lease now (the activation retires).</summary>
    public void Revoke() => _validUntil = 0;
}
