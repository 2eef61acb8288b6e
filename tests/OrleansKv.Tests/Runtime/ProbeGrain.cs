using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using OrleansKv.Runtime;

namespace OrleansKv.Tests.Runtime;

/// <summary>A grain that records how the runtime schedules it, for runtime tests.</summary>
public interface IProbeGrain : IGrainWithStringKey
{
    ValueTask<long> WhoAmIAsync();

    ValueTask<int> ExclusiveAsync(int holdMs);

    ValueTask<int> ReadOnlyAsync(int holdMs);

    ValueTask<int> RetireAsync();

    ValueTask<int> StartTimerAsync(int periodMs);

    ValueTask<int> RemindAtAsync(long dueUnixMs);
}

/// <summary>What happened to one probe grain key, across activations.</summary>
public sealed class ProbeLog
{
    private int _running;
    private int _readers;

    public int Activations;
    public int Deactivations;
    public int MaxExclusive;
    public int MaxReaders;
    public int Overlaps;
    public int TimerTicks;
    public int Reminders;
    public DeactivationReason? LastReason;

    public static ConcurrentDictionary<string, ProbeLog> ByKey { get; } = new();

    public static ProbeLog For(string key) => ByKey.GetOrAdd(key, _ => new ProbeLog());

    public async Task<int> RunExclusiveAsync(int holdMs)
    {
        var now = Interlocked.Increment(ref _running);
        if (Volatile.Read(ref _readers) > 0)
        {
            Interlocked.Increment(ref Overlaps);
        }

        InterlockedMax(ref MaxExclusive, now);
        await Task.Delay(holdMs);
        Interlocked.Decrement(ref _running);
        return now;
    }

    public async Task<int> RunReadOnlyAsync(int holdMs)
    {
        var now = Interlocked.Increment(ref _readers);
        if (Volatile.Read(ref _running) > 0)
        {
            Interlocked.Increment(ref Overlaps);
        }

        InterlockedMax(ref MaxReaders, now);
        await Task.Delay(holdMs);
        Interlocked.Decrement(ref _readers);
        return now;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

public sealed class ProbeGrain : Grain, IProbeGrain, IRemindable
{
    private readonly long _id = Random.Shared.NextInt64(1, long.MaxValue);
    private IGrainTimer? _timer;

    private ProbeLog Log => ProbeLog.For(GrainId.Key);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Log.Activations);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Log.LastReason = reason;
        Interlocked.Increment(ref Log.Deactivations);
        return Task.CompletedTask;
    }

    public ValueTask<long> WhoAmIAsync() => ValueTask.FromResult(_id);

    public async ValueTask<int> ExclusiveAsync(int holdMs) => await Log.RunExclusiveAsync(holdMs);

    public async ValueTask<int> ReadOnlyAsync(int holdMs) => await Log.RunReadOnlyAsync(holdMs);

    public ValueTask<int> RetireAsync()
    {
        DeactivateOnIdle();
        return ValueTask.FromResult(0);
    }

    public ValueTask<int> StartTimerAsync(int periodMs)
    {
        _timer?.Dispose();
        _timer = RegisterGrainTimer(
            async _ =>
            {
                Interlocked.Increment(ref Log.TimerTicks);
                await Log.RunExclusiveAsync(0);
            },
            TimeSpan.FromMilliseconds(periodMs),
            TimeSpan.FromMilliseconds(periodMs));
        return ValueTask.FromResult(0);
    }

    public async ValueTask<int> RemindAtAsync(long dueUnixMs)
    {
        await RegisterOrUpdateReminderAsync("probe", DateTimeOffset.FromUnixTimeMilliseconds(dueUnixMs), null);
        return 0;
    }

    public Task ReceiveReminderAsync(string reminderName, ReminderTick tick)
    {
        Interlocked.Increment(ref Log.Reminders);
        return Task.CompletedTask;
    }
}

internal sealed class ProbeCall<TResult>(int methodId, string name, TurnKind kind, long argument, Func<IProbeGrain, long, ValueTask<TResult>> invoke)
    : GrainRequest<IProbeGrain, TResult>
{
    public override int MethodId => methodId;

    public override string MethodName => name;

    public override TurnKind Kind => kind;

    public long Argument => argument;

    public override ValueTask<TResult> InvokeAsync(IProbeGrain grain, CancellationToken cancellationToken) => invoke(grain, argument);

    public override void WriteArguments(IBufferWriter<byte> output)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), argument);
        output.Advance(8);
    }

    public override void WriteResult(TResult result, IBufferWriter<byte> output)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture));
        output.Advance(8);
    }

    public override TResult ReadResult(ReadOnlySequence<byte> payload)
    {
        Span<byte> bytes = stackalloc byte[8];
        payload.Slice(0, 8).CopyTo(bytes);
        return (TResult)Convert.ChangeType(BinaryPrimitives.ReadInt64LittleEndian(bytes), typeof(TResult), System.Globalization.CultureInfo.InvariantCulture);
    }
}

internal sealed class ProbeGrainReference(GrainId id, IGrainCallInvoker invoker) : GrainReference(id, invoker), IProbeGrain
{
    public ValueTask<long> WhoAmIAsync() => Call(ProbeCalls.WhoAmI(0));

    public ValueTask<int> ExclusiveAsync(int holdMs) => Call(ProbeCalls.Exclusive(holdMs));

    public ValueTask<int> ReadOnlyAsync(int holdMs) => Call(ProbeCalls.ReadOnly(holdMs));

    public ValueTask<int> RetireAsync() => Call(ProbeCalls.Retire(0));

    public ValueTask<int> StartTimerAsync(int periodMs) => Call(ProbeCalls.StartTimer(periodMs));

    public ValueTask<int> RemindAtAsync(long dueUnixMs) => Call(ProbeCalls.RemindAt(dueUnixMs));

    private ValueTask<T> Call<T>(ProbeCall<T> call) => Invoker.InvokeAsync(GrainId, call, CancellationToken.None);
}

internal static class ProbeCalls
{
    public static ProbeCall<long> WhoAmI(long a) => new(1, "WhoAmI", TurnKind.Interleave, a, (g, _) => g.WhoAmIAsync());

    public static ProbeCall<int> Exclusive(long a) => new(2, "Exclusive", TurnKind.Exclusive, a, (g, x) => g.ExclusiveAsync((int)x));

    public static ProbeCall<int> ReadOnly(long a) => new(3, "ReadOnly", TurnKind.ReadOnly, a, (g, x) => g.ReadOnlyAsync((int)x));

    public static ProbeCall<int> Retire(long a) => new(4, "Retire", TurnKind.Exclusive, a, (g, _) => g.RetireAsync());

    public static ProbeCall<int> StartTimer(long a) => new(5, "StartTimer", TurnKind.Exclusive, a, (g, x) => g.StartTimerAsync((int)x));

    public static ProbeCall<int> RemindAt(long a) => new(6, "RemindAt", TurnKind.Exclusive, a, (g, x) => g.RemindAtAsync(x));
}

internal sealed class ProbeGrainCodec : IGrainRequestCodec
{
    public bool TryReadRequest(int methodId, ReadOnlySequence<byte> arguments, out GrainRequest? request)
    {
        Span<byte> bytes = stackalloc byte[8];
        arguments.Slice(0, Math.Min(8, arguments.Length)).CopyTo(bytes);
        var a = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        request = methodId switch
        {
            1 => ProbeCalls.WhoAmI(a),
            2 => ProbeCalls.Exclusive(a),
            3 => ProbeCalls.ReadOnly(a),
            4 => ProbeCalls.Retire(a),
            5 => ProbeCalls.StartTimer(a),
            6 => ProbeCalls.RemindAt(a),
            _ => null,
        };
        return request is not null;
    }
}

internal static class ProbeGrainRegistration
{
    public static SiloBuilder AddProbeGrain(this SiloBuilder silo) =>
        silo.AddGrain<IProbeGrain, ProbeGrain>("probe", (id, invoker) => new ProbeGrainReference(id, invoker), new ProbeGrainCodec());
}
