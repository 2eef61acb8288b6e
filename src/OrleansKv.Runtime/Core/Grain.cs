using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansKv.Runtime.Activations;

namespace OrleansKv.Runtime;

/// <summary>
/// Base class of grain implementations, as in Orleans: the runtime creates an instance per activation
/// (constructor dependencies come from the silo's services), calls <see cref="OnActivateAsync"/> before
/// the first call and <see cref="OnDeactivateAsync"/> when the activation is retired.
/// </summary>
public abstract class Grain
{
    private ActivationData? _activation;

    /// <summary>The identity of this grain.</summary>
    public GrainId GrainId => Activation.GrainId;

    /// <summary>Reaches other grains.</summary>
    protected IGrainFactory GrainFactory => Activation.Host.GrainFactory;

    /// <summary>The silo's clock (replaceable in tests).</summary>
    protected TimeProvider TimeProvider => Activation.Host.TimeProvider;

    internal ActivationData Activation => _activation ?? throw new InvalidOperationException("The grain is not activated yet; GrainId and runtime services are available from OnActivateAsync on.");

    /// <summary>Called once, as an exclusive turn, before the first call is delivered.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once when the activation is retired, after its turns have drained. Not called when the silo process dies.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    internal void Attach(ActivationData activation) => _activation = activation;

    /// <summary>
    /// Ends the current exclusive turn before the method completes: the next queued call may start while
    /// this one goes on awaiting work that touches no turn-protected state (a commit, say). This is how a
    /// grain batches concurrent writes into one group commit without giving up one-turn-at-a-time.
    /// </summary>
    protected void EndTurn() => Activation.Gate.EndExclusiveTurn();

    /// <summary>Asks the runtime to deactivate this activation as soon as its current turns end.</summary>
    protected void DeactivateOnIdle() => Activation.Host.RequestDeactivation(Activation, DeactivationReason.Requested);

    /// <summary>Asks the runtime to retire this activation because a newer one owns the grain.</summary>
    protected void DeactivateAsSuperseded() => Activation.Host.RequestDeactivation(Activation, DeactivationReason.Superseded);

    /// <summary>Keeps the activation from idle collection for at least <paramref name="duration"/>.</summary>
    protected void DelayDeactivation(TimeSpan duration) =>
        Activation.KeepAliveUntilTimestamp = TimeProvider.GetTimestamp() + (long)(duration.TotalSeconds * TimeProvider.TimestampFrequency);

    /// <summary>Registers a timer whose ticks run as exclusive turns of this activation.</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        var logger = Activation.Host.Services.GetRequiredService<ILoggerFactory>().CreateLogger<GrainTimer>();
        return new GrainTimer(Activation, callback, dueTime, period, logger);
    }

    /// <summary>
    /// Registers or moves the durable reminder <paramref name="name"/>: it fires at <paramref name="dueTime"/>
    /// (then every <paramref name="period"/>, or once when null), activating the grain if needed, and survives
    /// silo restarts and failover. The grain must implement <see cref="IRemindable"/>.
    /// </summary>
    protected Task RegisterOrUpdateReminderAsync(string name, DateTimeOffset dueTime, TimeSpan? period, CancellationToken cancellationToken = default) =>
        Activation.Host.RegisterOrUpdateReminderAsync(GrainId, name, dueTime, period, cancellationToken);

    /// <summary>Removes the reminder <paramref name="name"/>, if any.</summary>
    protected Task UnregisterReminderAsync(string name, CancellationToken cancellationToken = default) =>
        Activation.Host.UnregisterReminderAsync(GrainId, name, cancellationToken);
}
