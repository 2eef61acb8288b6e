using System.Buffers;

namespace OrleansKv.Server.Protocols.Text;

/// <summary>Splits the input of the text protocol into lines ending in LF (a CR before it is dropped).</summary>
internal static class TextLines
{
    /// <summary>Takes the next whole line from <paramref name="buffer"/>; false when no line end has arrived yet.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out line, (byte)'\n'))
        {
            return false;
        }

        buffer = buffer.Slice(reader.Position);
        if (!line.IsEmpty && EndsWithCr(line))
        {
            line = line.Slice(0, line.Length - 1);
        }

        return true;
    }

    /// <summary>Skips bytes up to and including the next line end; false (and the whole buffer consumed) when none came.</summary>
    public static bool TrySkip(ref ReadOnlySequence<byte> buffer)
    {
        if (buffer.PositionOf((byte)'\n') is { } end)
        {
            buffer = buffer.Slice(buffer.GetPosition(1, end));
            return true;
        }

        buffer = buffer.Slice(buffer.End);
        return false;
    }

    private static bool EndsWithCr(ReadOnlySequence<byte> line) =>
        line.IsSingleSegment ? line.FirstSpan[^1] == (byte)'\r' : line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r';
}
