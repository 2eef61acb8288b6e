using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansKv.Runtime;

/// <summary>Options of reminder delivery.</summary>
public sealed class ReminderOptions
{
    /// <summary>How often the table is polled for due reminders (the delivery precision).</summary>
    public TimeSpan PollPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Reminders delivered at once by this silo.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 32;

    /// <summary>How long a failed delivery waits before it is retried.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Delivers durable reminders. Every silo polls the table for due reminders and delivers those whose grain
/// placement assigns to it, through the ordinary call path, so a reminder reaches the grain wherever it is
/// active and activates it where it is not. After delivery a one-shot reminder is removed and a periodic one
/// moved to its next due time — unless the grain changed it meanwhile (ETag compare).
/// </summary>
internal sealed partial class ReminderService : IDisposable
{
    private readonly IReminderTable _table;
    private readonly IClusterMembership _membership;
    private readonly IPlacementDirector _placement;
    private readonly IGrainCallInvoker _invoker;
    private readonly TimeProvider _time;
    private readonly ReminderOptions _options;
    private readonly ILogger<ReminderService> _logger;
    private readonly ConcurrentDictionary<(GrainId, string), byte> _delivering = new();
    private readonly SemaphoreSlim _deliverySlots;

    public ReminderService(
        IReminderTable table,
        IClusterMembership membership,
        IPlacementDirector placement,
        IGrainCallInvoker invoker,
        TimeProvider time,
        IOptions<ReminderOptions> options,
        ILogger<ReminderService> logger)
    {
        _table = table;
        _membership = membership;
        _placement = placement;
        _invoker = invoker;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _deliverySlots = new SemaphoreSlim(_options.MaxConcurrentDeliveries);
    }

    public async Task RegisterOrUpdateAsync(GrainId grainId, string name, DateTimeOffset dueTime, TimeSpan? period, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (period is { } p && p <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), "A reminder period must be positive.");
        }

        await _table.UpsertAsync(new ReminderEntry(grainId, name, dueTime, period, string.Empty), null, cancellationToken).ConfigureAwait(false);
    }

    public async Task UnregisterAsync(GrainId grainId, string name, CancellationToken cancellationToken) =>
        await _table.RemoveAsync(grainId, name, null, cancellationToken).ConfigureAwait(false);

    public void Dispose() => _deliverySlots.Dispose();

    /// <summary>Polls and delivers until <paramref name="stoppingToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PollPeriod, _time);
        try
        {
            do
            {
                await PollOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One poll: starts delivery of every due reminder owned by this silo.</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        if (_membership.LocalStatus != SiloStatus.Active)
        {
            return;
        }

        IReadOnlyList<ReminderEntry> due;
        try
        {
            due = await _table.ReadDueAsync(_time.GetUtcNow(), 1000, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPollFailed(_logger, ex);
            return;
        }

        var snapshot = _membership.Current;
        foreach (var entry in due)
        {
            if (snapshot.ActiveSilos.IsEmpty
                || _placement.PickSilo(entry.GrainId, snapshot) != _membership.LocalSilo
                || !_delivering.TryAdd((entry.GrainId, entry.Name), 0))
            {
                continue;
            }

            await _deliverySlots.WaitAsync(cancellationToken).ConfigureAwait(false);
            _ = DeliverAsync(entry, cancellationToken);
        }
    }

    private async Task DeliverAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            var now = _time.GetUtcNow();
            try
            {
                await _invoker.InvokeAsync(entry.GrainId, new ReceiveReminderRequest(entry.Name, new ReminderTick(entry.DueTime, now)), cancellationToken).ConfigureAwait(false);
                await AdvanceAsync(entry, now, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogDeliveryFailed(_logger, ex, entry.Name, entry.GrainId);
                await _table.UpsertAsync(entry with { DueTime = now + _options.RetryDelay }, entry.ETag, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDeliveryFailed(_logger, ex, entry.Name, entry.GrainId);
        }
        finally
        {
            _delivering.TryRemove((entry.GrainId, entry.Name), out _);
            _deliverySlots.Release();
        }
    }

    private async Task AdvanceAsync(ReminderEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (entry.Period is not { } period)
        {
            await _table.RemoveAsync(entry.GrainId, entry.Name, entry.ETag, cancellationToken).ConfigureAwait(false);
            return;
        }

        var next = entry.DueTime;
        while (next <= now)
        {
            next += period;
        }

        await _table.UpsertAsync(entry with { DueTime = next }, entry.ETag, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = (int)RuntimeEventId.ReminderDeliveryFailed, Level = LogLevel.Warning, Message = "Delivering reminder {Name} to {GrainId} failed; it will be retried")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string name, GrainId grainId);

    [LoggerMessage(EventId = (int)RuntimeEventId.ReminderPollFailed, Level = LogLevel.Warning, Message = "Reading due reminders failed; the next poll retries")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
