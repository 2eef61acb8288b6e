using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace OrleansKv.Runtime;

/// <summary>
/// Probes this silo's successors on a hash ring of the live silos every probe period, and any silo a call
/// just failed to reach as soon as that is reported (but no more often than a third of the period, so one
/// burst of failed calls cannot count as several misses). After enough consecutive misses it votes.
/// </summary>
internal sealed partial class ProbeTracker
{
    private readonly MembershipService _owner;
    private readonly ConcurrentDictionary<SiloAddress, Probed> _probed = new();
    private readonly Channel<SiloAddress> _urgent = Channel.CreateBounded<SiloAddress>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropWrite });
    private ImmutableArray<SiloAddress> _targets = [];

    public ProbeTracker(MembershipService owner) => _owner = owner;

    public ImmutableArray<SiloAddress> Targets => _targets;

    public void ProbeSoon(SiloAddress silo) => _urgent.Writer.TryWrite(silo);

    public void UpdateTargets(MembershipTableData data)
    {
        var self = _owner.LocalSilo;
        var live = data.Entries
            .Where(e => e.Status is SiloStatus.Active or SiloStatus.Joining or SiloStatus.ShuttingDown)
            .Select(e => e.Silo)
            .Append(self)
            .Distinct()
            .OrderBy(s => StableHash.Of(s.Host, s.Port))
            .ThenBy(s => s.Generation)
            .ToList();
        var index = live.IndexOf(self);
        var targets = Enumerable.Range(1, Math.Min(_owner.Options.ProbedSilos, live.Count - 1))
            .Select(i => live[(index + i) % live.Count])
            .ToImmutableArray();
        _targets = targets;
        foreach (var silo in _probed.Keys.Where(s => !live.Contains(s)))
        {
            _probed.TryRemove(silo, out _);
        }
    }

    public Task RunAsync(CancellationToken stoppingToken) => Task.WhenAll(PeriodicAsync(stoppingToken), UrgentAsync(stoppingToken));

    private async Task PeriodicAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_owner.Options.ProbePeriod, _owner.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (_owner.LocalStatus != SiloStatus.Active)
                {
                    continue;
                }

                await Task.WhenAll(_targets.Select(t => ProbeAsync(t, stoppingToken))).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task UrgentAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var silo in _urgent.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                if (_owner.LocalStatus == SiloStatus.Active && _owner.Current.GetStatus(silo) is not (SiloStatus.Dead or SiloStatus.None))
                {
                    _ = ProbeAsync(silo, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ProbeAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        var state = _probed.GetOrAdd(silo, _ => new Probed());
        var now = _owner.Time.GetTimestamp();
        lock (state)
        {
            if (state.InFlight || (state.LastProbe != 0 && _owner.Time.GetElapsedTime(state.LastProbe, now) < _owner.Options.ProbePeriod / 3))
            {
                return;
            }

            state.InFlight = true;
            state.LastProbe = now;
        }

        bool answered;
        try
        {
            answered = await _owner.Remote.ProbeAsync(silo, _owner.Options.ProbeTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            answered = false;
        }

        int missed;
        lock (state)
        {
            state.InFlight = false;
            state.Missed = answered ? 0 : state.Missed + 1;
            missed = state.Missed;
        }

        if (answered)
        {
            return;
        }

        LogProbeMissed(_owner.Logger, silo, missed);
        if (missed >= _owner.Options.MissedProbesLimit)
        {
            try
            {
                await _owner.VoteDeadAsync(silo, cancellationToken).ConfigureAwait(false);
                await _owner.RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogVoteFailed(_owner.Logger, ex, silo);
            }
        }
    }

    private sealed class Probed
    {
        public bool InFlight { get; set; }

        public long LastProbe { get; set; }

        public int Missed { get; set; }
    }

    [LoggerMessage(EventId = (int)RuntimeEventId.SiloProbeFailed, Level = LogLevel.Information, Message = "Probe of {Silo} missed ({Missed} in a row)")]
    private static partial void LogProbeMissed(ILogger logger, SiloAddress silo, int missed);

    [LoggerMessage(EventId = (int)RuntimeEventId.MembershipTableError, Level = LogLevel.Warning, Message = "Could not record a vote against {Silo}")]
    private static partial void LogVoteFailed(ILogger logger, Exception exception, SiloAddress silo);
}
