using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansKv.Runtime.Activations;

namespace OrleansKv.Runtime;

/// <summary>
/// Runs the silo inside the generic host. Start: initialize providers, join the cluster once the server
/// listens (Started), then run membership, reminders and idle collection in the background. Stop, in two
/// steps around the web server's drain: before it (Stopping) a silo that has live peers marks itself
/// ShuttingDown and hands its grains off; after it (Stop) every remaining grain is flushed and
/// deactivated and the silo leaves the table as Dead.
/// </summary>
internal sealed partial class SiloHost : IHostedLifecycleService, ISiloCrashHook, IDisposable
{
    private readonly MembershipService _membership;
    private readonly Catalog _catalog;
    private readonly ReminderService _reminders;
    private readonly ActivationRebalancer _rebalancer;
    private readonly IReminderTable _reminderTable;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly SiloOptions _options;
    private readonly ILogger<SiloHost> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _background = Task.CompletedTask;
    private readonly Lock _stepLock = new();
    private Task? _stoppingStep;
    private Task? _stopStep;

    public SiloHost(
        MembershipService membership,
        Catalog catalog,
        ReminderService reminders,
        ActivationRebalancer rebalancer,
        IReminderTable reminderTable,
        IHostApplicationLifetime lifetime,
        TimeProvider time,
        IOptions<SiloOptions> options,
        ILogger<SiloHost> logger)
    {
        _membership = membership;
        _catalog = catalog;
        _reminders = reminders;
        _rebalancer = rebalancer;
        _reminderTable = reminderTable;
        _lifetime = lifetime;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _membership.LocalSiloDeclaredDead += () => _lifetime.StopApplication();
        _membership.TableLost += () => _catalog.RequestReRegisterAll(_stopping.Token);
    }

    private volatile bool _crashed;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops every loop at once without telling anyone (tests simulate kill -9 with it).</summary>
    public void Crash()
    {
        _crashed = true;
        _catalog.StopAcceptingActivations();
        _stopping.Cancel();
    }

    public Task StartAsync(CancellationToken cancellationToken) => _reminderTable.InitializeAsync(cancellationToken);

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        await _membership.JoinAsync(cancellationToken).ConfigureAwait(false);
        _background = Task.WhenAll(
            _membership.RunAsync(_stopping.Token),
            _reminders.RunAsync(_stopping.Token),
            _rebalancer.RunAsync(_stopping.Token),
            CollectIdleAsync(_stopping.Token));
        LogStarted(_logger, _membership.LocalSilo, _options.ClusterId);
    }

    /// <summary>
    /// The host may be stopped twice at once: WebApplicationFactory stops it while the entry point's RunAsync,
    /// woken by the same ApplicationStopping, stops it too and then disposes it. Each step therefore runs once;
    /// a repeated call waits for the first, so nothing here runs after the host has been disposed.
    /// </summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => Once(ref _stoppingStep, StoppingCoreAsync, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Once(ref _stopStep, StopCoreAsync, cancellationToken);

    private Task Once(ref Task? step, Func<CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        lock (_stepLock)
        {
            if (step is not null)
            {
                return step.WaitAsync(cancellationToken);
            }

            step = run(cancellationToken);
            return step;
        }
    }

    private async Task StoppingCoreAsync(CancellationToken cancellationToken)
    {
        if (_crashed)
        {
            return;
        }

        var peers = _membership.Current.ActiveSilos.Count(s => s != _membership.LocalSilo);
        LogStopping(_logger, _membership.LocalSilo, peers);
        if (peers == 0 || _membership.LocalStatus == SiloStatus.Dead)
        {
            return;
        }

        await _membership.LeaveAsync(SiloStatus.ShuttingDown, cancellationToken).ConfigureAwait(false);
        _catalog.StopAcceptingActivations();
        await _catalog.DeactivateAllAsync(DeactivationReason.ShuttingDown, _options.ShutdownDeactivationParallelism, cancellationToken).ConfigureAwait(false);
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        if (_crashed)
        {
            return;
        }

        _catalog.StopAcceptingActivations();
        try
        {
            await _catalog.DeactivateAllAsync(DeactivationReason.ShuttingDown, _options.ShutdownDeactivationParallelism, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (_membership.LocalStatus != SiloStatus.Dead)
            {
                await _membership.LeaveAsync(SiloStatus.Dead, cancellationToken).ConfigureAwait(false);
            }

            await _stopping.CancelAsync().ConfigureAwait(false);
            await _background.ConfigureAwait(false);
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        LogStopped(_logger, _membership.LocalSilo);
        return Task.CompletedTask;
    }

    public void Dispose() => _stopping.Dispose();

    private async Task CollectIdleAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.IdleCollectionPeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                _catalog.CollectIdle();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = (int)RuntimeEventId.SiloStarted, Level = LogLevel.Debug, Message = "Silo {Silo} of cluster {ClusterId} is active")]
    private static partial void LogStarted(ILogger logger, SiloAddress silo, string clusterId);

    [LoggerMessage(EventId = (int)RuntimeEventId.SiloStopping, Level = LogLevel.Information, Message = "Silo {Silo} stopping; {Peers} active peers take over its grains")]
    private static partial void LogStopping(ILogger logger, SiloAddress silo, int peers);

    [LoggerMessage(EventId = (int)RuntimeEventId.SiloStopped, Level = LogLevel.Information, Message = "Silo {Silo} stopped")]
    private static partial void LogStopped(ILogger logger, SiloAddress silo);
}
