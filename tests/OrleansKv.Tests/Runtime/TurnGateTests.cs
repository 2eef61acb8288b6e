using OrleansKv.Runtime;
using OrleansKv.Runtime.Activations;

namespace OrleansKv.Tests.Runtime;

public sealed class TurnGateTests
{
    private static readonly GrainId Id = new("test", "gate");

    [Fact]
    public async Task ExclusiveTurnWaitsForTheRunningOne()
    {
        var gate = new TurnGate(Id);
        var first = await gate.EnterAsync(exclusive: true, CancellationToken.None);
        var second = gate.EnterAsync(exclusive: true, CancellationToken.None);
        Assert.False(second.IsCompleted);

        gate.Exit(first);
        var token = await second.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(token.Exclusive);
    }

    [Fact]
    public async Task ReadOnlyTurnsShareButQueueBehindAWaitingExclusiveOne()
    {
        var gate = new TurnGate(Id);
        var reader1 = await gate.EnterAsync(exclusive: false, CancellationToken.None);
        var reader2 = await gate.EnterAsync(exclusive: false, CancellationToken.None);
        var writer = gate.EnterAsync(exclusive: true, CancellationToken.None);
        var lateReader = gate.EnterAsync(exclusive: false, CancellationToken.None);
        Assert.False(writer.IsCompleted);
        Assert.False(lateReader.IsCompleted);

        gate.Exit(reader1);
        Assert.False(writer.IsCompleted);
        gate.Exit(reader2);
        var writerToken = await writer.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(lateReader.IsCompleted);

        gate.Exit(writerToken);
        await lateReader.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task EndingAnExclusiveTurnEarlyAdmitsTheNextAndTheLateExitIsIgnored()
    {
        var gate = new TurnGate(Id);
        var first = await gate.EnterAsync(exclusive: true, CancellationToken.None);
        var second = gate.EnterAsync(exclusive: true, CancellationToken.None);

        Assert.True(gate.EndExclusiveTurn());
        var secondToken = await second.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        var third = gate.EnterAsync(exclusive: true, CancellationToken.None);

        gate.Exit(first);
        Assert.False(third.IsCompleted);
        gate.Exit(secondToken);
        await third.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task CancelledWaiterDoesNotWedgeTheGate()
    {
        var gate = new TurnGate(Id);
        var holder = await gate.EnterAsync(exclusive: true, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(exclusive: true, cts.Token);
        var next = gate.EnterAsync(exclusive: true, CancellationToken.None);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.AsTask());
        gate.Exit(holder);
        await next.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ClosingRejectsQueuedAndLaterTurns()
    {
        var gate = new TurnGate(Id);
        var holder = await gate.EnterAsync(exclusive: true, CancellationToken.None);
        var queued = gate.EnterAsync(exclusive: false, CancellationToken.None);

        gate.Close();
        await Assert.ThrowsAsync<ActivationDeactivatedException>(() => queued.AsTask());
        await Assert.ThrowsAsync<ActivationDeactivatedException>(() => gate.EnterAsync(exclusive: true, CancellationToken.None).AsTask());
        gate.Exit(holder);
    }
}
