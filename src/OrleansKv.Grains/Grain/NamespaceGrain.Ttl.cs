using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

/// <summary>
/// TTL: expired keys are never returned (checked on read), are swept by a grain timer while the namespace is active,
/// and a periodic durable reminder, registered before the first TTL write of the namespace is acknowledged, wakes it to
/// sweep while it is not. The reminder goes when no key has a TTL any more.
/// </summary>
public sealed partial class NamespaceGrain
{
    private readonly SemaphoreSlim _reminderGate = new(1, 1);
    private IGrainTimer? _sweepTimer;
    private bool _timerClosed;
    private bool? _reminderRegistered;

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != TtlReminderName || _retired is not null)
        {
            return;
        }

        await SweepAsync(CancellationToken.None);
        ArmTimer();
    }

    private async Task StartTtlAsync(CancellationToken cancellationToken)
    {
        _expiry.Reset(await _store.NextExpiryAsync(_ns, cancellationToken));
        ArmTimer();
        if (_expiry.Next is not null)
        {
            await SyncReminderAsync();
        }
    }

    /// <summary>
    /// Points the sweep timer at the next sweep. The timer is registered only when a sweep first comes due: most
    /// namespaces hold no TTL key, and an idle activation should not carry a timer it never fires.
    /// </summary>
    private void ArmTimer()
    {
        var due = _expiry.SweepDueIn(NowMs);
        if (due is null || _timerClosed)
        {
            _sweepTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        _sweepTimer ??= this.RegisterGrainTimer(SweepTickAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = true });
        _sweepTimer.Change(due.Value, Timeout.InfiniteTimeSpan);
    }

    private async Task SweepTickAsync(CancellationToken cancellationToken)
    {
        if (_retired is not null)
        {
            return;
        }

        try
        {
            await SweepAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSweepFailed(_logger, ex, _ns);
        }
        finally
        {
            ArmTimer();
        }
    }

    /// <summary>
    /// Deletes up to one batch of expired keys, then learns the next expiry from the store. Keys with a staged write are
    /// left alone (that write replaces them), and so are keys committed again since the store reported them.
    /// </summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = NowMs;
        var expired = await _store.ReadExpiredAsync(_ns, now, _options.SweepBatchSize, cancellationToken);
        CommitUnit? unit = null;
        await _writeGate.WaitAsync(CancellationToken.None);
        try
        {
            var mutations = new List<EntryMutation>(expired.Count);
            foreach (var item in expired)
            {
                // A version of 0 means the backend already dropped the row itself (Redis native expiry): clean up its traces.
                if (_commits.TryGetStaged(item.Key, out _)
                    || (item.Version != 0 && _cache.TryGet(item.Key, out var cached) && cached is not null && cached.Version != item.Version))
                {
                    continue;
                }

                mutations.Add(EntryMutation.Delete(item.Key));
            }

            if (mutations.Count > 0)
            {
                unit = Stage(mutations);
            }
        }
        finally
        {
            _writeGate.Release();
        }

        if (unit is not null)
        {
            await unit.Completion;
        }

        await _writeGate.WaitAsync(CancellationToken.None);
        try
        {
            // Staged expiries first: a unit that commits while the store is read is then counted either way.
            var staged = _commits.EarliestStagedExpiry();
            var stored = await _store.NextExpiryAsync(_ns, cancellationToken);
            _expiry.Reset(expired.Count >= _options.SweepBatchSize ? now : Earliest(staged, stored));
        }
        finally
        {
            _writeGate.Release();
        }

        await SyncReminderAsync();
    }

    /// <summary>
    /// Makes the durable reminder match what is known: present while any key may have a TTL, absent otherwise. One
    /// change at a time, each deciding from the state when it runs, so a write that brings a TTL and a sweep that found
    /// none cannot leave the reminder missing.
    /// </summary>
    private async Task SyncReminderAsync()
    {
        await _reminderGate.WaitAsync(CancellationToken.None);
        try
        {
            var wanted = _expiry.Next is not null;
            if (_reminderRegistered == wanted)
            {
                return;
            }

            if (wanted)
            {
                var due = _expiry.SweepDueIn(NowMs) ?? TimeSpan.Zero;
                await this.RegisterOrUpdateReminder(TtlReminderName, due < _options.TtlReminderPeriod ? due : _options.TtlReminderPeriod, _options.TtlReminderPeriod);
            }
            else if (await this.GetReminder(TtlReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminderRegistered = wanted;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Left as unknown: the next write with a TTL, or the next sweep, tries again.
            _reminderRegistered = null;
            LogReminderFailed(_logger, ex, _ns);
            if (_expiry.Next is not null)
            {
                throw;
            }
        }
        finally
        {
            _reminderGate.Release();
        }
    }

    private static long? Earliest(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
}
