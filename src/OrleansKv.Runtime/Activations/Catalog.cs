using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansKv.Runtime.Activations;

/// <summary>
/// The activations of this silo: creates them on first call (registering in the grain directory so that
/// one activation exists cluster-wide), retires them when idle, superseded or at shutdown.
/// </summary>
internal sealed partial class Catalog : IActivationHost
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly ConcurrentDictionary<Type, ObjectFactory> _factories = new();
    private readonly GrainTypeRegistry _registry;
    private readonly IGrainDirectory _directory;
    private readonly IClusterMembership _membership;
    private readonly SiloOptions _options;
    private readonly ILogger<Catalog> _logger;
    private readonly Lazy<IGrainFactory> _grainFactory;
    private readonly Lazy<ReminderService> _reminders;

    // Re-registration passes asked for and not yet finished: 0 idle, 1 running, more = run once more after it.
    private int _reRegisterRequests;
    private volatile bool _acceptingActivations = true;

    public Catalog(
        GrainTypeRegistry registry,
        IGrainDirectory directory,
        IClusterMembership membership,
        IOptions<SiloOptions> options,
        TimeProvider timeProvider,
        IServiceProvider services,
        ILogger<Catalog> logger)
    {
        _registry = registry;
        _directory = directory;
        _membership = membership;
        _options = options.Value;
        _logger = logger;
        TimeProvider = timeProvider;
        Services = services;
        _grainFactory = new Lazy<IGrainFactory>(services.GetRequiredService<IGrainFactory>);
        _reminders = new Lazy<ReminderService>(services.GetRequiredService<ReminderService>);
    }

    public TimeProvider TimeProvider { get; }

    public IServiceProvider Services { get; }

    public IGrainFactory GrainFactory => _grainFactory.Value;

    /// <summary>Activations currently present (any state).</summary>
    public int Count => _activations.Count;

    /// <summary>A snapshot of the present activations, for diagnostics and rebalancing.</summary>
    public IReadOnlyCollection<ActivationData> Activations => [.. _activations.Values];

    /// <summary>Returns the Valid local activation of <paramref name="grainId"/>, activating it first if needed.</summary>
    public ValueTask<ActivationData> GetOrActivateAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        if (_activations.TryGetValue(grainId, out var existing) && existing.State == ActivationState.Valid)
        {
            return ValueTask.FromResult(existing);
        }

        return GetOrActivateSlowAsync(grainId, cancellationToken);
    }

    /// <summary>The local activation of <paramref name="grainId"/> if it is Valid.</summary>
    public bool TryGetValid(GrainId grainId, out ActivationData activation) =>
        _activations.TryGetValue(grainId, out activation!) && activation.State == ActivationState.Valid;

    /// <summary>Stops accepting activations: calls for grains not active here are redirected.</summary>
    public void StopAcceptingActivations() => _acceptingActivations = false;

    public void RequestDeactivation(ActivationData activation, DeactivationReason reason) => _ = DeactivateAsync(activation, reason);

    /// <summary>Retires <paramref name="activation"/>: waits for running turns, runs OnDeactivateAsync, unregisters it.</summary>
    public Task DeactivateAsync(ActivationData activation, DeactivationReason reason)
    {
        lock (activation)
        {
            if (activation.Deactivation is { } running)
            {
                return running;
            }

            if (activation.State == ActivationState.Activating)
            {
                return activation.Activated.ContinueWith(_ => DeactivateAsync(activation, reason), TaskScheduler.Default).Unwrap();
            }

            activation.State = ActivationState.Deactivating;
            return activation.Deactivation = DeactivateCoreAsync(activation, reason);
        }
    }

    /// <summary>Retires every activation, <paramref name="parallelism"/> at a time.</summary>
    public async Task DeactivateAllAsync(DeactivationReason reason, int parallelism, CancellationToken cancellationToken)
    {
        LogDeactivatingAll(_logger, _activations.Count, reason);
        await Parallel.ForEachAsync(
            _activations.Values.ToArray(),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (activation, _) => await DeactivateAsync(activation, reason).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>Retires activations idle for longer than <see cref="SiloOptions.IdleTimeout"/>; returns how many.</summary>
    public int CollectIdle()
    {
        var now = TimeProvider.GetTimestamp();
        var collected = 0;
        foreach (var activation in _activations.Values)
        {
            if (activation.State == ActivationState.Valid
                && activation.InFlight == 0
                && activation.Gate.QueueLength == 0
                && now >= activation.KeepAliveUntilTimestamp
                && TimeProvider.GetElapsedTime(activation.LastActiveTimestamp, now) >= _options.IdleTimeout)
            {
                collected++;
                RequestDeactivation(activation, DeactivationReason.Idle);
            }
        }

        if (collected > 0)
        {
            LogCollected(_logger, collected);
        }

        return collected;
    }

    /// <summary>
    /// Asks for <see cref="ReRegisterAllAsync"/> without waiting. Requests coalesce: one pass runs at a time, and
    /// requests made while it runs (the directory may have lost entries again) cause exactly one more pass.
    /// </summary>
    public void RequestReRegisterAll(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _reRegisterRequests) == 1)
        {
            _ = ReRegisterPassesAsync(cancellationToken);
        }
    }

    private async Task ReRegisterPassesAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var requested = Volatile.Read(ref _reRegisterRequests);
                await ReRegisterAllAsync(cancellationToken).ConfigureAwait(false);
                if (Interlocked.CompareExchange(ref _reRegisterRequests, 0, requested) == requested)
                {
                    return;
                }

                Volatile.Write(ref _reRegisterRequests, 1);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Volatile.Write(ref _reRegisterRequests, 0);
        }
    }

    /// <summary>
    /// Registers every Valid activation in the directory again (after the directory lost its entries). An
    /// activation whose grain another silo registered meanwhile is retired; the newer one owns the grain.
    /// </summary>
    public async Task ReRegisterAllAsync(CancellationToken cancellationToken)
    {
        var local = _membership.LocalSilo;
        foreach (var activation in _activations.Values.Where(a => a.State == ActivationState.Valid).ToList())
        {
            try
            {
                var address = new GrainAddress(activation.GrainId, local, activation.ActivationId);
                var winner = await _directory.RegisterAsync(address, null, cancellationToken).ConfigureAwait(false);
                if (winner != address)
                {
                    RequestDeactivation(activation, DeactivationReason.Superseded);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogReRegisterFailed(_logger, ex, activation.GrainId);
            }
        }
    }

    public Task RegisterOrUpdateReminderAsync(GrainId grainId, string name, DateTimeOffset dueTime, TimeSpan? period, CancellationToken cancellationToken) =>
        _reminders.Value.RegisterOrUpdateAsync(grainId, name, dueTime, period, cancellationToken);

    public Task UnregisterReminderAsync(GrainId grainId, string name, CancellationToken cancellationToken) =>
        _reminders.Value.UnregisterAsync(grainId, name, cancellationToken);

    private async ValueTask<ActivationData> GetOrActivateSlowAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_activations.TryGetValue(grainId, out var existing))
            {
                switch (existing.State)
                {
                    case ActivationState.Valid:
                        return existing;
                    case ActivationState.Activating:
                        await existing.Activated.WaitAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    default:
                        // Let the caller locate the grain again: after a rebalance or a hand-off it may live elsewhere.
                        await existing.Deactivated.WaitAsync(cancellationToken).ConfigureAwait(false);
                        throw new ActivationDeactivatedException(grainId);
                }
            }

            if (!_acceptingActivations || _membership.LocalStatus is not (SiloStatus.Active or SiloStatus.Joining))
            {
                throw new GrainRedirectException(grainId, null);
            }

            var registration = _registry.Get(grainId.Type);
            var created = new ActivationData(grainId, registration, Random.Shared.NextInt64(1, long.MaxValue), this);
            if (!_activations.TryAdd(grainId, created))
            {
                continue;
            }

            _ = ActivateAsync(created);
            await created.Activated.WaitAsync(cancellationToken).ConfigureAwait(false);
            return created;
        }
    }

    private async Task ActivateAsync(ActivationData activation)
    {
        GrainAddress? registered = null;
        try
        {
            using var timeout = new CancellationTokenSource(_options.ActivationTimeout, TimeProvider);
            registered = await RegisterInDirectoryAsync(activation, timeout.Token).ConfigureAwait(false);

            var factory = _factories.GetOrAdd(activation.Registration.ImplementationType, static t => ActivatorUtilities.CreateFactory(t, Type.EmptyTypes));
            var grain = (Grain)factory(Services, null);
            grain.Attach(activation);
            activation.Instance = grain;
            await activation.RunExclusiveAsync(grain.OnActivateAsync, timeout.Token).ConfigureAwait(false);

            activation.State = ActivationState.Valid;
            activation.MarkActivated();
        }
        catch (Exception ex)
        {
            if (ex is not GrainRedirectException)
            {
                LogActivationFailed(_logger, ex, activation.GrainId);
            }

            activation.State = ActivationState.Invalid;
            activation.StopTimers();
            activation.Gate.Close();
            if (registered is not null)
            {
                await UnregisterQuietlyAsync(registered).ConfigureAwait(false);
            }

            _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));
            activation.MarkActivationFailed(ex);
            activation.MarkDeactivated();
        }
    }

    private async Task<GrainAddress> RegisterInDirectoryAsync(ActivationData activation, CancellationToken cancellationToken)
    {
        var local = _membership.LocalSilo;
        var address = new GrainAddress(activation.GrainId, local, activation.ActivationId);
        GrainAddress? previous = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var winner = await _directory.RegisterAsync(address, previous, cancellationToken).ConfigureAwait(false);
            if (winner == address)
            {
                return address;
            }

            var snapshot = _membership.Current;
            var stale = winner.Silo == local
                ? !_activations.TryGetValue(winner.GrainId, out var other) || other.ActivationId != winner.ActivationId
                : snapshot.IsKnownDead(winner.Silo);
            if (!stale)
            {
                throw new GrainRedirectException(activation.GrainId, winner.Silo == local ? null : winner.Silo);
            }

            previous = winner;
        }

        throw new GrainRedirectException(activation.GrainId, null);
    }

    private async Task DeactivateCoreAsync(ActivationData activation, DeactivationReason reason)
    {
        await Task.Yield();
        try
        {
            await activation.Gate.EnterAsync(exclusive: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ActivationDeactivatedException)
        {
        }

        activation.Gate.Close();
        activation.StopTimers();
        try
        {
            using var timeout = new CancellationTokenSource(_options.DeactivationTimeout, TimeProvider);
            await activation.Instance!.OnDeactivateAsync(reason, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogDeactivationFailed(_logger, ex, activation.GrainId, reason);
        }

        await UnregisterQuietlyAsync(new GrainAddress(activation.GrainId, _membership.LocalSilo, activation.ActivationId)).ConfigureAwait(false);
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));
        activation.State = ActivationState.Invalid;
        activation.MarkDeactivated();
    }

    private async Task UnregisterQuietlyAsync(GrainAddress address)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.DeactivationTimeout, TimeProvider);
            await _directory.UnregisterAsync(address, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogUnregisterFailed(_logger, ex, address.GrainId);
        }
    }

    [LoggerMessage(EventId = (int)RuntimeEventId.ActivationFailed, Level = LogLevel.Warning, Message = "Activation of {GrainId} failed")]
    private static partial void LogActivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(EventId = (int)RuntimeEventId.DeactivationFailed, Level = LogLevel.Warning, Message = "OnDeactivateAsync of {GrainId} failed ({Reason})")]
    private static partial void LogDeactivationFailed(ILogger logger, Exception exception, GrainId grainId, DeactivationReason reason);

    [LoggerMessage(EventId = (int)RuntimeEventId.ActivationCollected, Level = LogLevel.Debug, Message = "Collecting {Count} idle activations")]
    private static partial void LogCollected(ILogger logger, int count);

    [LoggerMessage(EventId = (int)RuntimeEventId.DeactivatingAll, Level = LogLevel.Information, Message = "Deactivating {Count} activations ({Reason})")]
    private static partial void LogDeactivatingAll(ILogger logger, int count, DeactivationReason reason);

    [LoggerMessage(EventId = (int)RuntimeEventId.DirectoryUnregisterFailed, Level = LogLevel.Warning, Message = "Could not unregister {GrainId} from the grain directory")]
    private static partial void LogUnregisterFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(EventId = (int)RuntimeEventId.DirectoryReRegisterFailed, Level = LogLevel.Warning, Message = "Could not register {GrainId} in the grain directory again after the directory lost it")]
    private static partial void LogReRegisterFailed(ILogger logger, Exception exception, GrainId grainId);
}
