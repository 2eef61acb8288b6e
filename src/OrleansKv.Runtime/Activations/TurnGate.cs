namespace OrleansKv.Runtime.Activations;

/// <summary>A held turn; hand it back to <see cref="TurnGate.Exit"/>.</summary>
internal readonly record struct TurnToken(long Id, bool Exclusive);

/// <summary>
/// The mailbox of an activation: admits one exclusive turn at a time, or any number of read-only
/// turns together, in arrival order (a read-only request queued behind an exclusive one waits for it).
/// The lock is held only to update counters and the queue, never across an await.
/// </summary>
internal sealed class TurnGate
{
    private readonly Lock _lock = new();
    private readonly Queue<Waiter> _waiters = new();
    private readonly GrainId _grainId;
    private int _readers;
    private bool _writer;
    private long _exclusiveId;
    private long _nextId;
    private bool _closed;

    public TurnGate(GrainId grainId) => _grainId = grainId;

    /// <summary>Turns waiting for admission.</summary>
    public int QueueLength
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Waits for a turn of the given kind. Fails with <see cref="ActivationDeactivatedException"/> once closed.</summary>
    public ValueTask<TurnToken> EnterAsync(bool exclusive, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (_closed)
            {
                return ValueTask.FromException<TurnToken>(new ActivationDeactivatedException(_grainId));
            }

            if (_waiters.Count == 0 && !_writer && (!exclusive || _readers == 0))
            {
                return ValueTask.FromResult(Admit(exclusive));
            }

            waiter = new Waiter(exclusive);
            _waiters.Enqueue(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.RegisterCancellation(cancellationToken);
        }

        return new ValueTask<TurnToken>(waiter.Task);
    }

    /// <summary>Ends a turn. Ending an exclusive turn that already ended (see <see cref="EndExclusiveTurn"/>) does nothing.</summary>
    public void Exit(TurnToken token)
    {
        List<(Waiter Waiter, TurnToken Token)>? granted;
        lock (_lock)
        {
            if (token.Exclusive)
            {
                if (!_writer || _exclusiveId != token.Id)
                {
                    return;
                }

                _writer = false;
            }
            else
            {
                _readers--;
            }

            granted = GrantWaiters();
        }

        Complete(granted);
    }

    /// <summary>
    /// Ends the running exclusive turn early: the next turn may start while the caller goes on with work
    /// that no longer touches turn-protected state. Returns false when no exclusive turn is running.
    /// </summary>
    public bool EndExclusiveTurn()
    {
        long id;
        lock (_lock)
        {
            if (!_writer)
            {
                return false;
            }

            id = _exclusiveId;
        }

        Exit(new TurnToken(id, Exclusive: true));
        return true;
    }

    /// <summary>Refuses every queued and future turn; turns already admitted run to their end.</summary>
    public void Close()
    {
        Waiter[] rejected;
        lock (_lock)
        {
            _closed = true;
            rejected = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in rejected)
        {
            waiter.TryReject(new ActivationDeactivatedException(_grainId));
        }
    }

    private TurnToken Admit(bool exclusive)
    {
        var id = ++_nextId;
        if (exclusive)
        {
            _writer = true;
            _exclusiveId = id;
        }
        else
        {
            _readers++;
        }

        return new TurnToken(id, exclusive);
    }

    private List<(Waiter, TurnToken)>? GrantWaiters()
    {
        List<(Waiter, TurnToken)>? granted = null;
        while (_waiters.TryPeek(out var head))
        {
            if (head.IsCancelled)
            {
                _waiters.Dequeue();
                continue;
            }

            if (_writer || (head.Exclusive && _readers > 0))
            {
                break;
            }

            _waiters.Dequeue();
            if (!head.TryClaim())
            {
                continue;
            }

            (granted ??= []).Add((head, Admit(head.Exclusive)));
            if (head.Exclusive)
            {
                break;
            }
        }

        return granted;
    }

    private static void Complete(List<(Waiter Waiter, TurnToken Token)>? granted)
    {
        if (granted is null)
        {
            return;
        }

        foreach (var (waiter, token) in granted)
        {
            waiter.Grant(token);
        }
    }

    private sealed class Waiter(bool exclusive)
    {
        private const int Waiting = 0;
        private const int Claimed = 1;
        private const int Cancelled = 2;
        private readonly TaskCompletionSource<TurnToken> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state;
        private CancellationTokenRegistration _registration;

        public bool Exclusive { get; } = exclusive;

        public Task<TurnToken> Task => _tcs.Task;

        public bool IsCancelled => Volatile.Read(ref _state) == Cancelled;

        public void RegisterCancellation(CancellationToken cancellationToken) =>
            _registration = cancellationToken.UnsafeRegister(
                static (state, ct) =>
                {
                    var self = (Waiter)state!;
                    if (Interlocked.CompareExchange(ref self._state, Cancelled, Waiting) == Waiting)
                    {
                        self._tcs.TrySetCanceled(ct);
                    }
                },
                this);

        /// <summary>Called under the gate lock: wins the race against cancellation.</summary>
        public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Waiting) == Waiting;

        public void Grant(TurnToken token)
        {
            _registration.Dispose();
            _tcs.TrySetResult(token);
        }

        public void TryReject(Exception exception)
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Waiting) == Waiting)
            {
                _registration.Dispose();
                _tcs.TrySetException(exception);
            }
        }
    }
}
