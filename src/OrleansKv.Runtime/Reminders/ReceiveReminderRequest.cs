using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace OrleansKv.Runtime;

/// <summary>The runtime's own grain call that delivers a reminder to an <see cref="IRemindable"/> grain.</summary>
internal sealed class ReceiveReminderRequest : GrainRequest<IRemindable, bool>
{
    /// <summary>Reserved method id; grain codecs use non-negative ids.</summary>
    public const int Id = -1;

    public ReceiveReminderRequest(string name, ReminderTick tick)
    {
        Name = name;
        Tick = tick;
    }

    public string Name { get; }

    public ReminderTick Tick { get; }

    public override int MethodId => Id;

    public override string MethodName => "ReceiveReminder";

    public override async ValueTask<bool> InvokeAsync(IRemindable grain, CancellationToken cancellationToken)
    {
        await grain.ReceiveReminderAsync(Name, Tick).ConfigureAwait(false);
        return true;
    }

    public override void WriteArguments(IBufferWriter<byte> output)
    {
        var nameLength = Encoding.UTF8.GetByteCount(Name);
        var span = output.GetSpan(16 + nameLength);
        BinaryPrimitives.WriteInt64LittleEndian(span, Tick.DueTime.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], Tick.CurrentTime.ToUnixTimeMilliseconds());
        Encoding.UTF8.GetBytes(Name, span[16..]);
        output.Advance(16 + nameLength);
    }

    public static bool TryRead(ReadOnlySequence<byte> arguments, out GrainRequest? request)
    {
        request = null;
        if (arguments.Length < 16)
        {
            return false;
        }

        var bytes = arguments.ToArray();
        var due = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(bytes));
        var now = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)));
        request = new ReceiveReminderRequest(Encoding.UTF8.GetString(bytes.AsSpan(16)), new ReminderTick(due, now));
        return true;
    }

    public override void WriteResult(bool result, IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = result ? (byte)1 : (byte)0;
        output.Advance(1);
    }

    public override bool ReadResult(ReadOnlySequence<byte> payload) => payload.Length > 0 && payload.FirstSpan[0] == 1;
}
