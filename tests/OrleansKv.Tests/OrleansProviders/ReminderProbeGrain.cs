using System.Threading.Channels;
using Orleans;
using Orleans.Runtime;

namespace OrleansKv.Tests.OrleansProviders;

[Alias("OrleansKv.Tests.OrleansProviders.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    /// <summary>Stores <paramref name="note"/> and registers a reminder that ticks every <paramref name="period"/>.</summary>
    [Alias("Arm")]
    Task ArmAsync(string note, TimeSpan period);

    [Alias("Read")]
    Task<ReminderProbeState> ReadAsync();
}

[GenerateSerializer]
[Alias("OrleansKv.Tests.OrleansProviders.ReminderProbeState")]
public sealed class ReminderProbeState
{
    [Id(0)]
    public string Note { get; set; } = string.Empty;

    /// <summary>Reminder ticks received so far, across activations and silo restarts.</summary>
    [Id(1)]
    public int Ticks { get; set; }
}

/// <summary>A grain with persistent state (default storage) that counts its reminder's ticks in that state.</summary>
public sealed class ReminderProbeGrain(
    [PersistentState("probe")] IPersistentState<ReminderProbeState> state,
    ReminderTicks ticks) : Grain, IReminderProbeGrain, IRemindable
{
    public async Task ArmAsync(string note, TimeSpan period)
    {
        state.State.Note = note;
        await state.WriteStateAsync();
        await this.RegisterOrUpdateReminder("probe", period, period);
    }

    public Task<ReminderProbeState> ReadAsync() => Task.FromResult(state.State);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State.Ticks++;
        await state.WriteStateAsync();
        ticks.Record(this.GetPrimaryKeyString(), state.State.Ticks);
    }
}

/// <summary>The ticks one silo delivered, in order, as (grain key, tick count after the tick); tests await them.</summary>
public sealed class ReminderTicks
{
    private readonly Channel<(string Grain, int Ticks)> _ticks = Channel.CreateUnbounded<(string, int)>();

    public int Last { get; private set; }

    public void Record(string grain, int ticks)
    {
        Last = ticks;
        _ticks.Writer.TryWrite((grain, ticks));
    }

    /// <summary>The tick count of the next tick delivered to <paramref name="grain"/>; fails after <paramref name="timeout"/>.</summary>
    public async Task<int> NextAsync(string grain, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var tick = await _ticks.Reader.ReadAsync(cancellation.Token);
                if (tick.Grain == grain)
                {
                    return tick.Ticks;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"No reminder tick reached {grain} within {timeout.TotalSeconds:0} s.");
            throw;
        }
    }
}
