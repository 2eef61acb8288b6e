namespace OrleansKv.Grains;

/// <summary>
/// The earliest expiry a namespace activation knows of, and when its next TTL sweep is due. Pure bookkeeping: the
/// grain feeds it what it stages and what the store reports, and arms its timer from <see cref="SweepDueIn"/>.
/// </summary>
internal sealed class ExpiryTracker(TimeSpan maxSweepInterval)
{
    /// <summary>The earliest known expiry (unix ms), or null when no key has a TTL.</summary>
    public long? Next { get; private set; }

    /// <summary>Replaces what is known with what the store reports (plus what is staged).</summary>
    public void Reset(long? next) => Next = next;

    /// <summary>Records an expiry; true when it is earlier than the known one (the timer must move earlier).</summary>
    public bool Note(long expiresAt)
    {
        if (Next is { } next && next <= expiresAt)
        {
            return false;
        }

        Next = expiresAt;
        return true;
    }

    /// <summary>How long until the next sweep: at the next expiry, and at least every <c>maxSweepInterval</c> while any
    /// key has a TTL (a sweep that had more to delete than one batch asks for the next one at once); null when none has.</summary>
    public TimeSpan? SweepDueIn(long nowMs)
    {
        if (Next is not { } next)
        {
            return null;
        }

        var untilNext = TimeSpan.FromMilliseconds(Math.Max(0, next - nowMs));
        return untilNext < maxSweepInterval ? untilNext : maxSweepInterval;
    }
}
