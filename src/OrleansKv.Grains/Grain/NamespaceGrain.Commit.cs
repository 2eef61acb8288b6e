using OrleansKv.Grains.Storage;
using OrleansKv.Runtime;

namespace OrleansKv.Grains;

/// <summary>Group commit: the commit loop that carries staged units to the store.</summary>
public sealed partial class NamespaceGrain
{
    private readonly Queue<CommitUnit> _queued = new();
    private CommitUnit? _lastStaged;
    private long _pendingBytes;
    private bool _flushing;
    private Task _flushLoop = Task.CompletedTask;

    /// <summary>Stages a unit (inside an exclusive turn): its writes become the current state for later
    /// writes and it joins the next group commit.</summary>
    private void Stage(CommitUnit unit)
    {
        var start = false;
        lock (_sync)
        {
            _stagedRevision = unit.Revision;
            foreach (var mutation in unit.Mutations)
            {
                _overlay[mutation.Key] = new PendingWrite(mutation.Entry, unit);
                if (mutation.Entry?.ExpiresAt is { } expiresAt)
                {
                    NoteExpiry(expiresAt);
                }
            }

            _queued.Enqueue(unit);
            _lastStaged = unit;
            _pendingBytes += unit.PayloadBytes;
            if (!_flushing)
            {
                _flushing = start = true;
            }
        }

        if (start)
        {
            _flushLoop = FlushLoopAsync();
        }
    }

    private async Task FlushLoopAsync()
    {
        while (true)
        {
            List<CommitUnit> batch;
            lock (_sync)
            {
                if (_queued.Count == 0 || _broken is not null)
                {
                    _flushing = false;
                    return;
                }

                batch = TakeBatch();
            }

            var mutations = batch.Count == 1 ? batch[0].Mutations : batch.SelectMany(u => u.Mutations).ToList();
            var commit = new CommitBatch(_epoch, _committedRevision, batch[^1].Revision, mutations);
            CommitStatus status;
            try
            {
                status = (await _store.CommitAsync(_ns, commit, CancellationToken.None).ConfigureAwait(false)).Status;
            }
            catch (Exception ex)
            {
                _metrics.CommitOutcome("failed");
                LogCommitFailed(_logger, ex, _ns);
                Break(batch, ex is NamespaceStoreException ? ex : new NamespaceStoreException("The namespace store failed to commit.", ex));
                return;
            }

            if (status == CommitStatus.Fenced)
            {
                _metrics.CommitOutcome("fenced");
                LogFenced(_logger, _ns, _epoch);
                Break(batch, new StaleActivationException(GrainId));
                return;
            }

            _metrics.CommitOutcome("committed");
            _metrics.Committed(batch.Count);
            ApplyCommitted(batch);
            await AfterCommitAsync().ConfigureAwait(false);
            foreach (var unit in batch)
            {
                unit.Complete();
            }
        }
    }

    private List<CommitUnit> TakeBatch()
    {
        var batch = new List<CommitUnit>();
        long bytes = 0;
        while (_queued.TryPeek(out var next)
            && (batch.Count == 0 || (batch.Count < _options.MaxUnitsPerCommit && bytes + next.PayloadBytes <= _options.MaxCommitBytes)))
        {
            batch.Add(_queued.Dequeue());
            bytes += next.PayloadBytes;
        }

        return batch;
    }

    private void ApplyCommitted(List<CommitUnit> batch)
    {
        lock (_sync)
        {
            foreach (var unit in batch)
            {
                foreach (var mutation in unit.Mutations)
                {
                    if (_overlay.TryGetValue(mutation.Key, out var pending) && ReferenceEquals(pending.Unit, unit))
                    {
                        _overlay.Remove(mutation.Key);
                    }

                    _cache.SetCommitted(mutation.Key, mutation.Entry);
                }

                _keyCount += unit.DeltaKeys;
                _totalBytes += unit.DeltaBytes;
                _pendingBytes -= unit.PayloadBytes;
            }

            _committedRevision = batch[^1].Revision;
        }
    }

    /// <summary>
    /// A failed or fenced commit leaves the outcome unknown (or owned by another activation): fail this batch
    /// and everything staged after it, forget cached state and retire the activation. The next call
    /// activates afresh from the store.
    /// </summary>
    private void Break(List<CommitUnit> batch, Exception failure)
    {
        List<CommitUnit> failed;
        lock (_sync)
        {
            _broken = failure;
            failed = [.. batch, .. _queued];
            _queued.Clear();
            _overlay.Clear();
            _cache.Clear();
            _pendingBytes = 0;
            _flushing = false;
        }

        foreach (var unit in failed)
        {
            unit.Fail(failure);
        }

        if (failure is StaleActivationException)
        {
            DeactivateAsSuperseded();
        }
        else
        {
            DeactivateOnIdle();
        }
    }

    /// <summary>Waits (inside the turn) while too many staged bytes are not yet durable.</summary>
    private async ValueTask ApplyBackPressureAsync()
    {
        while (true)
        {
            CommitUnit? oldest;
            lock (_sync)
            {
                if (_pendingBytes <= _options.MaxPendingBytes || !_queued.TryPeek(out oldest))
                {
                    return;
                }
            }

            await oldest.Completion.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            ThrowIfBroken();
        }
    }

    /// <summary>Completes when every unit staged so far has been committed (or failed).</summary>
    private Task WaitForStagedAsync()
    {
        CommitUnit? last;
        lock (_sync)
        {
            last = _overlay.Count == 0 && _queued.Count == 0 ? null : _lastStaged;
        }

        return last is null
            ? Task.CompletedTask
            : last.Completion.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task DrainCommitsAsync()
    {
        await WaitForStagedAsync().ConfigureAwait(false);
        await _flushLoop.ConfigureAwait(false);
    }
}
