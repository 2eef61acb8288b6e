using OrleansKv.Grains.Storage;
using OrleansKv.Runtime;

namespace OrleansKv.Grains;

/// <summary>
/// TTL: expired keys are never returned (checked on read), are swept by a grain timer while the namespace
/// is active, and a durable reminder at the next expiry brings the namespace back to sweep when it is not.
/// </summary>
public sealed partial class NamespaceGrain
{
    private IGrainTimer? _ttlTimer;
    private long? _nextExpiry;
    private long? _reminderDue;
    private bool _reminderKnown;

    public async Task ReceiveReminderAsync(string reminderName, ReminderTick tick)
    {
        if (reminderName != TtlReminderName || _broken is not null)
        {
            return;
        }

        // The activation itself armed the timer; sweeping here as well covers a namespace that was
        // activated by this very reminder.
        await SweepAsync(CancellationToken.None).ConfigureAwait(false);
        await SyncReminderAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task StartTtlAsync(CancellationToken cancellationToken)
    {
        var next = await _store.NextExpiryAsync(_ns, cancellationToken).ConfigureAwait(false);
        lock (_sync)
        {
            _nextExpiry = next;
        }

        _ttlTimer = RegisterGrainTimer(SweepTickAsync, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        ArmTimer();
        if (next is not null)
        {
            await SyncReminderAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records a new expiry (under <c>_sync</c>); re-arms the timer if it is the earliest.</summary>
    private void NoteExpiry(long expiresAt)
    {
        if (_nextExpiry is null || expiresAt < _nextExpiry)
        {
            _nextExpiry = expiresAt;
            ArmTimer();
        }
    }

    private void ArmTimer()
    {
        if (_ttlTimer is null)
        {
            return;
        }

        var wait = _options.MaxSweepInterval;
        if (_nextExpiry is { } next)
        {
            var untilNext = TimeSpan.FromMilliseconds(Math.Max(0, next - NowMs));
            wait = untilNext < wait ? untilNext : wait;
        }

        _ttlTimer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    private async Task SweepTickAsync(CancellationToken cancellationToken)
    {
        if (_broken is not null)
        {
            return;
        }

        try
        {
            await SweepAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not StaleActivationException)
        {
            LogSweepFailed(_logger, ex, _ns);
        }
        finally
        {
            ArmTimer();
        }
    }

    /// <summary>
    /// Deletes up to one batch of expired keys (runs as an exclusive turn: timer tick or reminder) and
    /// recomputes the next expiry. Keys with a staged write are left alone: that write replaces them.
    /// </summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = NowMs;
        var expired = await _store.ReadExpiredAsync(_ns, now, _options.SweepBatchSize, cancellationToken).ConfigureAwait(false);
        var mutations = new List<EntryMutation>(expired.Count);
        long deltaBytes = 0;
        var rowsToMeasure = new List<string>(expired.Count);
        lock (_sync)
        {
            foreach (var item in expired)
            {
                // Skip a key with a staged write (it replaces the row) or a newer committed entry. A version of 0
                // means the backend already dropped the row itself (Redis native expiry): clean up its traces.
                if (_overlay.ContainsKey(item.Key)
                    || (item.Version != 0 && _cache.TryGet(item.Key, out var cached) && cached is not null && cached.Version != item.Version))
                {
                    continue;
                }

                mutations.Add(EntryMutation.Delete(item.Key));
                if (item.Version == 0)
                {
                    // There is no row to read. The store still counts the key's bytes and uncounts them with this
                    // delete; the vanished value's size cannot be known and stays counted there too.
                    deltaBytes -= KeyRules.KeyBytes(item.Key);
                }
                else
                {
                    rowsToMeasure.Add(item.Key);
                }
            }
        }

        if (mutations.Count > 0)
        {
            foreach (var key in rowsToMeasure)
            {
                var row = await _store.ReadAsync(_ns, key, cancellationToken).ConfigureAwait(false);
                deltaBytes -= EntryBytes(row);
            }

            var unit = new CommitUnit(_stagedRevision + 1, mutations, -mutations.Count, deltaBytes);
            Stage(unit);
            await unit.Completion.ConfigureAwait(false);
        }

        var next = await _store.NextExpiryAsync(_ns, cancellationToken).ConfigureAwait(false);
        lock (_sync)
        {
            foreach (var pending in _overlay.Values)
            {
                if (pending.Entry?.ExpiresAt is { } e && (next is null || e < next))
                {
                    next = e;
                }
            }

            _nextExpiry = expired.Count >= _options.SweepBatchSize ? now : next;
        }
    }

    /// <summary>Keeps the durable reminder at the next expiry (or removes it when nothing expires).</summary>
    private async Task SyncReminderAsync(CancellationToken cancellationToken)
    {
        long? due;
        lock (_sync)
        {
            due = _nextExpiry;
            if (_reminderKnown && due == _reminderDue)
            {
                return;
            }
        }

        try
        {
            if (due is { } at)
            {
                await RegisterOrUpdateReminderAsync(TtlReminderName, DateTimeOffset.FromUnixTimeMilliseconds(at), null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await UnregisterReminderAsync(TtlReminderName, cancellationToken).ConfigureAwait(false);
            }

            lock (_sync)
            {
                _reminderDue = due;
                _reminderKnown = true;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReminderFailed(_logger, ex, _ns);
        }
    }

    /// <summary>After a commit: a TTL that moved the next expiry earlier than the reminder needs the reminder moved too,
    /// before the write is acknowledged, so the key expires even if this silo dies right after.</summary>
    private Task AfterCommitAsync()
    {
        lock (_sync)
        {
            if (_nextExpiry is not { } next || (_reminderKnown && _reminderDue is { } due && due <= next))
            {
                return Task.CompletedTask;
            }
        }

        return SyncReminderAsync(CancellationToken.None);
    }
}
