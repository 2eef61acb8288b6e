using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansKv.Runtime.Activations;

/// <summary>
/// Moves grains to the silo placement now prefers when silos join: after membership settles, each silo
/// retires (flushing first) the local activations whose preferred owner is another active silo, a few at a
/// time; their next call activates them there. Without it, a scaled-out cluster would keep every existing
/// namespace on the old silos.
/// </summary>
internal sealed partial class ActivationRebalancer
{
    private readonly Catalog _catalog;
    private readonly IClusterMembership _membership;
    private readonly IPlacementDirector _placement;
    private readonly TimeProvider _time;
    private readonly SiloOptions _options;
    private readonly ILogger<ActivationRebalancer> _logger;
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private int _lastActiveCount;

    public ActivationRebalancer(Catalog catalog, IClusterMembership membership, IPlacementDirector placement, TimeProvider time, IOptions<SiloOptions> options, ILogger<ActivationRebalancer> logger)
    {
        _catalog = catalog;
        _membership = membership;
        _placement = placement;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _membership.Changed += OnChanged;
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _signal.Reader.ReadAsync(stoppingToken).ConfigureAwait(false);

                // Let every silo see the new member before grains move to it.
                await Task.Delay(_options.RebalanceDelay, _time, stoppingToken).ConfigureAwait(false);
                await RebalanceOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Retires every local activation that placement assigns elsewhere; returns how many moved.</summary>
    public async Task<int> RebalanceOnceAsync(CancellationToken cancellationToken)
    {
        var snapshot = _membership.Current;
        var local = _membership.LocalSilo;
        if (_membership.LocalStatus != SiloStatus.Active || snapshot.ActiveSilos.Length < 2)
        {
            return 0;
        }

        var moving = _catalog.Activations
            .Where(a => a.State == ActivationState.Valid && _placement.PickSilo(a.GrainId, snapshot) != local)
            .ToList();
        if (moving.Count == 0)
        {
            return 0;
        }

        LogRebalancing(_logger, moving.Count, snapshot.ActiveSilos.Length);
        await Parallel.ForEachAsync(
            moving,
            new ParallelOptions { MaxDegreeOfParallelism = _options.RebalanceParallelism, CancellationToken = cancellationToken },
            async (activation, _) => await _catalog.DeactivateAsync(activation, DeactivationReason.Rebalanced).ConfigureAwait(false)).ConfigureAwait(false);
        return moving.Count;
    }

    private void OnChanged(MembershipSnapshot snapshot)
    {
        var active = snapshot.ActiveSilos.Length;
        var grew = active > _lastActiveCount && _lastActiveCount > 0;
        _lastActiveCount = active;
        if (grew && _options.RebalanceOnJoin)
        {
            _signal.Writer.TryWrite(true);
        }
    }

    [LoggerMessage(EventId = (int)RuntimeEventId.ActivationCollected + 10, Level = LogLevel.Information, Message = "Moving {Count} activations to the silos placement now prefers ({Active} active silos)")]
    private static partial void LogRebalancing(ILogger logger, int count, int active);
}
