using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansKv.Runtime;

/// <summary>
/// The membership protocol over an <see cref="IMembershipTable"/>, in the manner of Orleans: join as
/// Joining then Active; heartbeat; read the table every period; probe a few other silos and vote one dead
/// after repeated missed probes (two votes, or one when its heartbeat is stale too); stop when the table
/// says this silo is dead; leave as ShuttingDown then Dead. A table that cannot be reached (a Redis
/// restart) never makes a silo suspect anybody or itself: the last view is kept and the loops go on.
/// </summary>
internal sealed partial class MembershipService : IClusterMembership
{
    private readonly IMembershipTable _table;
    private readonly IRemoteGrainInvoker _remote;
    private readonly TimeProvider _time;
    private readonly MembershipOptions _options;
    private readonly SiloOptions _silo;
    private readonly ILogger<MembershipService> _logger;
    private readonly ProbeTracker _probes;
    private readonly Lock _changeLock = new();
    private volatile MembershipSnapshot _current;
    private volatile SiloStatus _localStatus = SiloStatus.None;
    private int _tableErrors;

    public MembershipService(
        IMembershipTable table,
        IRemoteGrainInvoker remote,
        TimeProvider time,
        IOptions<MembershipOptions> options,
        IOptions<SiloOptions> silo,
        ILogger<MembershipService> logger)
    {
        _table = table;
        _remote = remote;
        _time = time;
        _options = options.Value;
        _silo = silo.Value;
        _logger = logger;
        LocalSilo = new SiloAddress(_silo.AdvertisedHost, _silo.SiloPort, SiloAddress.NewGeneration(time));
        _current = new MembershipSnapshot(0, []);
        _probes = new ProbeTracker(this);
    }

    public SiloAddress LocalSilo { get; }

    public MembershipSnapshot Current => _current;

    public SiloStatus LocalStatus => _localStatus;

    public event Action<MembershipSnapshot>? Changed;

    /// <summary>Raised once when the table says this silo is dead; the host stops the process.</summary>
    public event Action? LocalSiloDeclaredDead;

    /// <summary>Raised when the table lost this silo's row (a Redis restart without persistence): the directory
    /// most likely lost its entries too, so the activations here must register again.</summary>
    public event Action? TableLost;

    public void ReportUnreachable(SiloAddress silo) => _probes.ProbeSoon(silo);

    /// <summary>Joins the cluster: declares older incarnations on this endpoint dead, writes Joining, then Active.</summary>
    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        await _table.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var entry = new MembershipEntry(LocalSilo, SiloStatus.Joining, _silo.SiloName, now, now, []);
        for (var i = 0; i < 16; i++)
        {
            var done = true;
            await UpdateTableAsync(
                data =>
                {
                    var older = data.Entries.FirstOrDefault(e => e.Silo.Endpoint == LocalSilo.Endpoint && e.Silo.Generation < LocalSilo.Generation && e.Status != SiloStatus.Dead);
                    done = older is null;
                    return older is null ? null : older with { Status = SiloStatus.Dead };
                },
                cancellationToken).ConfigureAwait(false);
            if (done)
            {
                break;
            }
        }

        await WriteOwnStatusAsync(entry, cancellationToken).ConfigureAwait(false);
        await WriteOwnStatusAsync(entry with { Status = SiloStatus.Active }, cancellationToken).ConfigureAwait(false);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        LogJoined(_logger, LocalSilo, _silo.ClusterId, _current.ActiveSilos.Length);
    }

    /// <summary>Writes this silo's status (ShuttingDown, then Dead) as it leaves.</summary>
    public async Task LeaveAsync(SiloStatus status, CancellationToken cancellationToken)
    {
        try
        {
            var data = await _table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            var own = data.Find(LocalSilo);
            if (own is not null && own.Status != SiloStatus.Dead)
            {
                await WriteOwnStatusAsync(own with { Status = status }, cancellationToken).ConfigureAwait(false);
            }

            LogLeft(_logger, LocalSilo, status);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTableError(_logger, ex, "leave");
        }

        _localStatus = status;
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the heartbeat, refresh and probe loops until stopped.</summary>
    public Task RunAsync(CancellationToken stoppingToken) => Task.WhenAll(
        LoopAsync(_options.TableRefreshPeriod, RefreshAsync, stoppingToken),
        LoopAsync(_options.IAmAlivePeriod, HeartbeatAsync, stoppingToken),
        _probes.RunAsync(stoppingToken));

    /// <summary>Reads the table now and publishes a new snapshot if it changed.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        MembershipTableData data;
        try
        {
            data = await _table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            _tableErrors = 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (_tableErrors++ % 10 == 0)
            {
                LogTableError(_logger, ex, "read");
            }

            return;
        }

        var own = data.Find(LocalSilo);
        if (own is { Status: SiloStatus.Dead } && _localStatus is not SiloStatus.Dead)
        {
            _localStatus = SiloStatus.Dead;
            LogDeclaredDead(_logger, LocalSilo);
            LocalSiloDeclaredDead?.Invoke();
        }
        else if (own is null && _localStatus is SiloStatus.Active or SiloStatus.ShuttingDown)
        {
            // The table lost our row (a Redis restart without persistence): write it again.
            var now = _time.GetUtcNow();
            await TryWriteQuietlyAsync(new MembershipEntry(LocalSilo, _localStatus, _silo.SiloName, now, now, []), data.Version, cancellationToken).ConfigureAwait(false);
            TableLost?.Invoke();
            return;
        }

        Publish(data);
        _probes.UpdateTargets(data);
    }

    internal MembershipTableData LastTable { get; private set; } = MembershipTableData.Empty;

    /// <summary>Casts this silo's vote that <paramref name="suspect"/> is dead; declares it dead when enough votes agree.</summary>
    internal Task VoteDeadAsync(SiloAddress suspect, CancellationToken cancellationToken) =>
        UpdateTableAsync(
            data =>
            {
                var entry = data.Find(suspect);
                if (entry is null || entry.Status == SiloStatus.Dead || _localStatus != SiloStatus.Active)
                {
                    return null;
                }

                var now = _time.GetUtcNow();
                var votes = entry.Suspicions
                    .Where(v => v.Voter != LocalSilo && now - v.Time < _options.SuspicionWindow)
                    .Append(new SuspectVote(LocalSilo, now))
                    .ToImmutableArray();
                var alive = data.Entries.Count(e => e.Status == SiloStatus.Active);
                var needed = Math.Clamp(alive - 1, 1, _options.VotesForDeath);
                if (now - entry.IAmAliveTime > _options.IAmAliveStaleAfter)
                {
                    needed = 1;
                }

                if (votes.Length >= needed)
                {
                    LogDeclaringDead(_logger, suspect, votes.Length);
                    return entry with { Status = SiloStatus.Dead, Suspicions = [] };
                }

                LogSuspected(_logger, suspect, votes.Length, needed);
                return entry with { Suspicions = votes };
            },
            cancellationToken);

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        if (_localStatus is not (SiloStatus.Active or SiloStatus.Joining or SiloStatus.ShuttingDown))
        {
            return;
        }

        try
        {
            await _table.UpdateIAmAliveAsync(LocalSilo, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (_tableErrors++ % 10 == 0)
            {
                LogTableError(_logger, ex, "heartbeat");
            }
        }

        var cutoff = _time.GetUtcNow() - _options.DefunctEntryAge;
        if (LastTable.Entries.Any(e => e.Status == SiloStatus.Dead && e.IAmAliveTime < cutoff))
        {
            try
            {
                await _table.CleanupDefunctEntriesAsync(cutoff, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogTableError(_logger, ex, "cleanup");
            }
        }
    }

    private async Task WriteOwnStatusAsync(MembershipEntry entry, CancellationToken cancellationToken)
    {
        await UpdateTableAsync(_ => entry, cancellationToken).ConfigureAwait(false);
        _localStatus = entry.Status;
    }

    /// <summary>Read–modify–compare-and-set on the table version, retried on conflict.</summary>
    private async Task UpdateTableAsync(Func<MembershipTableData, MembershipEntry?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var data = await _table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            var updated = change(data);
            if (updated is null || await _table.TryWriteAsync(updated, data.Version, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (attempt >= 20)
            {
                throw new InvalidOperationException("The membership table kept changing; giving up this update.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 50)), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task TryWriteQuietlyAsync(MembershipEntry entry, long version, CancellationToken cancellationToken)
    {
        try
        {
            await _table.TryWriteAsync(entry, version, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTableError(_logger, ex, "rejoin");
        }
    }

    private void Publish(MembershipTableData data)
    {
        MembershipSnapshot snapshot;
        lock (_changeLock)
        {
            LastTable = data;
            if (data.Version == _current.Version && _current.Statuses.Count == data.Entries.Count)
            {
                return;
            }

            snapshot = new MembershipSnapshot(data.Version, data.Entries.Select(e => KeyValuePair.Create(e.Silo, e.Status)));
            _current = snapshot;
            LogChanged(_logger, snapshot.Version, snapshot.ActiveSilos.Length);
            Changed?.Invoke(snapshot);
        }
    }

    private async Task LoopAsync(TimeSpan period, Func<CancellationToken, Task> body, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await body(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogTableError(_logger, ex, "loop");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal IRemoteGrainInvoker Remote => _remote;

    internal TimeProvider Time => _time;

    internal MembershipOptions Options => _options;

    internal ILogger Logger => _logger;

    [LoggerMessage(EventId = (int)RuntimeEventId.MembershipJoined, Level = LogLevel.Information, Message = "Silo {Silo} joined cluster {ClusterId}; {Active} active silos")]
    private static partial void LogJoined(ILogger logger, SiloAddress silo, string clusterId, int active);

    [LoggerMessage(EventId = (int)RuntimeEventId.MembershipChanged, Level = LogLevel.Information, Message = "Membership version {Version}: {Active} active silos")]
    private static partial void LogChanged(ILogger logger, long version, int active);

    [LoggerMessage(EventId = (int)RuntimeEventId.MembershipTableError, Level = LogLevel.Warning, Message = "Membership table {Operation} failed; keeping the last view")]
    private static partial void LogTableError(ILogger logger, Exception exception, string operation);

    [LoggerMessage(EventId = (int)RuntimeEventId.SiloSuspected, Level = LogLevel.Warning, Message = "Voted {Silo} dead ({Votes} of {Needed} votes)")]
    private static partial void LogSuspected(ILogger logger, SiloAddress silo, int votes, int needed);

    [LoggerMessage(EventId = (int)RuntimeEventId.SiloDeclaredDead, Level = LogLevel.Warning, Message = "Declaring {Silo} dead ({Votes} votes)")]
    private static partial void LogDeclaringDead(ILogger logger, SiloAddress silo, int votes);

    [LoggerMessage(EventId = (int)RuntimeEventId.LocalSiloDeclaredDead, Level = LogLevel.Error, Message = "The membership table declares this silo {Silo} dead; stopping")]
    private static partial void LogDeclaredDead(ILogger logger, SiloAddress silo);

    [LoggerMessage(EventId = (int)RuntimeEventId.MembershipLeft, Level = LogLevel.Information, Message = "Silo {Silo} is now {Status}")]
    private static partial void LogLeft(ILogger logger, SiloAddress silo, SiloStatus status);
}
