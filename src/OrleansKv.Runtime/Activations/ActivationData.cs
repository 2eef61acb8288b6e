namespace OrleansKv.Runtime.Activations;

/// <summary>
/// One activation of a grain on this silo: the grain instance, its mailbox (<see cref="TurnGate"/>),
/// its timers and its life-cycle state. Created and retired only by the <see cref="Catalog"/>.
/// </summary>
internal sealed class ActivationData
{
    private readonly TaskCompletionSource _activated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _timersLock = new();
    private readonly List<GrainTimer> _timers = [];
    private int _inFlight;
    private long _lastActiveTimestamp;
    private volatile ActivationState _state = ActivationState.Activating;

    public ActivationData(GrainId grainId, GrainTypeRegistration registration, long activationId, IActivationHost host)
    {
        GrainId = grainId;
        Registration = registration;
        ActivationId = activationId;
        Host = host;
        Gate = new TurnGate(grainId);
        Touch();
    }

    public GrainId GrainId { get; }

    public GrainTypeRegistration Registration { get; }

    public long ActivationId { get; }

    public IActivationHost Host { get; }

    public TurnGate Gate { get; }

    public Grain? Instance { get; set; }

    public ActivationState State
    {
        get => _state;
        set => _state = value;
    }

    /// <summary>Completes when the activation is Valid, or faults when activation failed.</summary>
    public Task Activated => _activated.Task;

    /// <summary>Completes when the activation is gone.</summary>
    public Task Deactivated => _deactivated.Task;

    /// <summary>Set once a deactivation has started; later requests join it.</summary>
    public Task? Deactivation { get; set; }

    /// <summary>Calls and streams currently running.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The monotonic timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last call.</summary>
    public long LastActiveTimestamp => Volatile.Read(ref _lastActiveTimestamp);

    /// <summary>When set, the activation is not collected while idle until this timestamp.</summary>
    public long KeepAliveUntilTimestamp { get; set; }

    public void MarkActivated() => _activated.TrySetResult();

    public void MarkActivationFailed(Exception exception) => _activated.TrySetException(exception);

    public void MarkDeactivated() => _deactivated.TrySetResult();

    /// <summary>A call starts; no timestamp is needed, since an activation with calls in flight is never idle.</summary>
    public void BeginCall() => Interlocked.Increment(ref _inFlight);

    public void EndCall()
    {
        Interlocked.Decrement(ref _inFlight);
        Touch();
    }

    public void Touch() => Volatile.Write(ref _lastActiveTimestamp, Host.TimeProvider.GetTimestamp());

    public void AddTimer(GrainTimer timer)
    {
        lock (_timersLock)
        {
            _timers.Add(timer);
        }
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_timersLock)
        {
            _timers.Remove(timer);
        }
    }

    public void StopTimers()
    {
        GrainTimer[] timers;
        lock (_timersLock)
        {
            timers = [.. _timers];
            _timers.Clear();
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }
    }

    /// <summary>Runs <paramref name="work"/> as an exclusive turn; used for activation, timers and reminders.</summary>
    public async Task RunExclusiveAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var token = await Gate.EnterAsync(exclusive: true, cancellationToken).ConfigureAwait(false);
        try
        {
            await work(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Gate.Exit(token);
        }
    }

    public override string ToString() => $"{GrainId}#{ActivationId:x}";
}

/// <summary>What an activation needs from its silo, so that the grain base class can reach it.</summary>
internal interface IActivationHost
{
    TimeProvider TimeProvider { get; }

    IGrainFactory GrainFactory { get; }

    IServiceProvider Services { get; }

    void RequestDeactivation(ActivationData activation, DeactivationReason reason);

    Task RegisterOrUpdateReminderAsync(GrainId grainId, string name, DateTimeOffset dueTime, TimeSpan? period, CancellationToken cancellationToken);

    Task UnregisterReminderAsync(GrainId grainId, string name, CancellationToken cancellationToken);
}
