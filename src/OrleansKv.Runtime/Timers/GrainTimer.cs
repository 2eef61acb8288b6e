using Microsoft.Extensions.Logging;
using OrleansKv.Runtime.Activations;

namespace OrleansKv.Runtime;

/// <summary>A timer registered by a grain; dispose it to stop it.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Re-arms the timer: first tick after <paramref name="dueTime"/>, then every <paramref name="period"/>
    /// (<see cref="Timeout.InfiniteTimeSpan"/> for a one-shot timer).</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}

/// <summary>
/// A grain timer: each tick runs as an exclusive turn of its activation, ticks never overlap, and
/// ticks do not count as activity (a grain kept busy only by its timers is still collected when idle).
/// Timers live and die with the activation; durable schedules are reminders.
/// </summary>
internal sealed partial class GrainTimer : IGrainTimer
{
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private TimeSpan _period;
    private bool _disposed;

    public GrainTimer(ActivationData activation, Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period, ILogger logger)
    {
        _activation = activation;
        _callback = callback;
        _logger = logger;
        _period = period;
        _timer = activation.Host.TimeProvider.CreateTimer(static s => ((GrainTimer)s!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        activation.AddTimer(this);
        Change(dueTime, period);
    }

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _period = period;
            _timer.Change(Clamp(dueTime), Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer.Dispose();
        }

        _activation.RemoveTimer(this);
    }

    private static TimeSpan Clamp(TimeSpan due) => due < TimeSpan.Zero ? TimeSpan.Zero : due;

    private void OnTick() => _ = TickAsync();

    private async Task TickAsync()
    {
        if (_activation.State != ActivationState.Valid)
        {
            return;
        }

        try
        {
            await _activation.RunExclusiveAsync(_callback, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ActivationDeactivatedException)
        {
            return;
        }
        catch (Exception ex)
        {
            LogTickFailed(_logger, ex, _activation.GrainId);
        }

        lock (_lock)
        {
            if (!_disposed && _period != Timeout.InfiniteTimeSpan)
            {
                _timer.Change(Clamp(_period), Timeout.InfiniteTimeSpan);
            }
        }
    }

    [LoggerMessage(EventId = (int)RuntimeEventId.TimerTickFailed, Level = LogLevel.Warning, Message = "A timer tick of {GrainId} failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, GrainId grainId);
}
