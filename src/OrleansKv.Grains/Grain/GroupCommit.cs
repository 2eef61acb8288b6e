using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

/// <summary>A staged write of one key: the entry it will store (null = delete) and the unit that carries it.</summary>
internal readonly record struct PendingWrite(StoredEntry? Entry, CommitUnit Unit);

/// <summary>
/// Group commit for one namespace activation. It stages units of writes (each at the next revision), keeps the
/// staged-but-not-yet-durable view of their keys (the overlay), carries staged units to the store in batches
/// while new ones keep arriving, and completes or fails them in order.
/// </summary>
/// <remarks>
/// <para>Single-threaded: every member is called from grain code, on the activation's scheduler, and the commit
/// loop runs there too, so nothing here takes a lock. The store is called through <c>commit</c>; the grain learns of
/// each durable batch through <c>committed</c> before the batch's units complete.</para>
/// <para>A failed or fenced commit is final for the activation: the batch and everything staged after it fail with
/// the failure, and later stages are refused, so no write is ever acknowledged out of order.</para>
/// </remarks>
internal sealed class GroupCommit
{
    private readonly Queue<CommitUnit> _queued = new();
    private readonly Dictionary<string, PendingWrite> _overlay = new(StringComparer.Ordinal);
    private readonly Func<CommitBatch, ValueTask<CommitResult>> _commit;
    private readonly Action<List<CommitUnit>, CommitResult, long> _committed;
    private readonly Action<Exception> _failed;
    private readonly TimeProvider _time;
    private readonly int _maxUnits;
    private readonly long _maxBytes;
    private readonly long _maxPendingBytes;
    private long _epoch;
    private long _pendingBytes;
    private CommitUnit? _last;
    private Task _loop = Task.CompletedTask;

    /// <param name="options">Batch and back-pressure limits.</param>
    /// <param name="time">Clock whose timestamps mark when each commit started.</param>
    /// <param name="commit">Sends one batch to the store.</param>
    /// <param name="committed">Called with each durable batch, the store's result and the timestamp the commit
    /// started at, before the batch's units complete.</param>
    /// <param name="failed">Called once, with the failure, when a commit failed or was fenced.</param>
    public GroupCommit(
        NamespaceGrainOptions options,
        TimeProvider time,
        Func<CommitBatch, ValueTask<CommitResult>> commit,
        Action<List<CommitUnit>, CommitResult, long> committed,
        Action<Exception> failed)
    {
        _failed = failed;
        _maxUnits = options.MaxUnitsPerCommit;
        _maxBytes = options.MaxCommitBytes;
        _maxPendingBytes = options.MaxPendingBytes;
        _time = time;
        _commit = commit;
        _committed = committed;
    }

    /// <summary>The revision of the last staged unit (the next one stages at this plus one).</summary>
    public long StagedRevision { get; private set; }

    /// <summary>The revision of the last durable batch.</summary>
    public long CommittedRevision { get; private set; }

    /// <summary>The usage change of every staged unit that is not durable yet (quotas count it, so concurrent writes
    /// cannot overshoot them).</summary>
    public UsageDelta StagedUsage { get; private set; }

    /// <summary>The last staged unit while it is not durable yet, else null.</summary>
    public CommitUnit? LastPending => HasPending ? _last : null;

    /// <summary>Why the group commit stopped, once a commit failed or was fenced.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>True while some staged unit is not durable yet.</summary>
    public bool HasPending => _queued.Count > 0 || _overlay.Count > 0;

    /// <summary>Starts at a claimed epoch and the revision the store holds.</summary>
    public void Start(long epoch, long revision)
    {
        _epoch = epoch;
        StagedRevision = CommittedRevision = revision;
    }

    /// <summary>The latest staged write of <paramref name="key"/> that is not durable yet, if any.</summary>
    public bool TryGetStaged(string key, out PendingWrite pending) => _overlay.TryGetValue(key, out pending);

    /// <summary>The keys with a staged write that is not durable yet.</summary>
    public IEnumerable<string> StagedKeys => _overlay.Keys;

    /// <summary>The earliest expiry among staged writes that are not durable yet, if any has one.</summary>
    public long? EarliestStagedExpiry()
    {
        long? earliest = null;
        foreach (var pending in _overlay.Values)
        {
            if (pending.Entry?.ExpiresAt is { } expiresAt && (earliest is null || expiresAt < earliest))
            {
                earliest = expiresAt;
            }
        }

        return earliest;
    }

    /// <summary>Stages <paramref name="mutations"/> as one unit at revision <see cref="StagedRevision"/> + 1; its writes
    /// become what later writes are checked against, and it joins the next group commit.</summary>
    /// <exception cref="NamespaceMovedException">An earlier commit failed; this activation takes no more writes.</exception>
    public CommitUnit Stage(List<EntryMutation> mutations, UsageDelta usage = default)
    {
        if (Failure is not null)
        {
            throw new NamespaceMovedException("The namespace's activation retired after a failed commit; nothing was applied. Retry.", Failure);
        }

        var unit = new CommitUnit(StagedRevision + 1, mutations, usage);
        StagedRevision = unit.Revision;
        StagedUsage += usage;
        foreach (var mutation in mutations)
        {
            _overlay[mutation.Key] = new PendingWrite(mutation.Entry, unit);
        }

        _queued.Enqueue(unit);
        _last = unit;
        _pendingBytes += unit.PayloadBytes;
        if (_loop.IsCompleted)
        {
            _loop = RunAsync();
        }

        return unit;
    }

    /// <summary>Waits while more staged bytes than the limit are not yet durable (back-pressure on writers).</summary>
    public async ValueTask WaitForRoomAsync()
    {
        while (_pendingBytes > _maxPendingBytes && _queued.TryPeek(out var oldest))
        {
            await Settled(oldest.Completion);
        }
    }

    /// <summary>Completes (never faults) when everything staged so far is durable or has failed.</summary>
    public Task DrainAsync() => _last is { } last && HasPending ? Settled(last.Completion) : Task.CompletedTask;

    /// <summary>A task that completes with <paramref name="task"/>, whatever its outcome.</summary>
    private static Task Settled(Task task) =>
        task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Current);

    private async Task RunAsync()
    {
        while (Failure is null && _queued.Count > 0)
        {
            var batch = TakeBatch();
            var mutations = batch.Count == 1 ? batch[0].Mutations : batch.SelectMany(u => u.Mutations).ToList();
            var started = _time.GetTimestamp();
            CommitResult result;
            try
            {
                result = await _commit(new CommitBatch(_epoch, CommittedRevision, batch[^1].Revision, mutations));
            }
            catch (Exception ex)
            {
                Stop(batch, ex is NamespaceStoreException ? ex : new NamespaceStoreException($"The namespace store failed to commit; the outcome is unknown. {ex.GetType().Name}: {ex.Message}"));
                return;
            }

            if (result.Status != CommitStatus.Committed)
            {
                Stop(batch, new NamespaceMovedException());
                return;
            }

            CommittedRevision = batch[^1].Revision;
            foreach (var unit in batch)
            {
                foreach (var mutation in unit.Mutations)
                {
                    if (_overlay.TryGetValue(mutation.Key, out var pending) && ReferenceEquals(pending.Unit, unit))
                    {
                        _overlay.Remove(mutation.Key);
                    }
                }

                _pendingBytes -= unit.PayloadBytes;
                StagedUsage -= unit.Usage;
            }

            _committed(batch, result, started);
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
        while (_queued.TryPeek(out var next) && (batch.Count == 0 || (batch.Count < _maxUnits && bytes + next.PayloadBytes <= _maxBytes)))
        {
            batch.Add(_queued.Dequeue());
            bytes += next.PayloadBytes;
        }

        return batch;
    }

    /// <summary>Fails <paramref name="batch"/> and everything staged after it, and refuses further stages.</summary>
    private void Stop(List<CommitUnit> batch, Exception failure)
    {
        Failure = failure;
        List<CommitUnit> failed = [.. batch, .. _queued];
        _queued.Clear();
        _overlay.Clear();
        _pendingBytes = 0;
        StagedUsage = default;
        _failed(failure);
        foreach (var unit in failed)
        {
            unit.Fail(failure);
        }
    }
}
