using System.Buffers;

namespace OrleansKv.Tests.Grpc;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, as a socket delivers them.</summary>
internal static class SequenceFactory
{
    public static ReadOnlySequence<byte> Create(params byte[][] segments)
    {
        if (segments.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(segments[0], 0);
        var last = first;
        foreach (var bytes in segments.Skip(1))
        {
            last = last.Append(bytes);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Splits <paramref name="bytes"/> into segments of the given sizes (the rest goes last).</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, params int[] sizes)
    {
        var parts = new List<byte[]>();
        var offset = 0;
        foreach (var size in sizes)
        {
            parts.Add(bytes[offset..(offset + size)]);
            offset += size;
        }

        parts.Add(bytes[offset..]);
        return Create([.. parts]);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
