using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>A request that breaks RESP; the connection answers the message as an error and closes.</summary>
internal sealed class RespProtocolException(string message) : Exception(message);

/// <summary>
/// Reads RESP requests: arrays of bulk strings (what clients send) and inline commands (a line of words, what a
/// person types into telnet). Try methods: false means more bytes are needed, a malformed request throws
/// <see cref="RespProtocolException"/> with Redis' message.
/// </summary>
internal static class RespParser
{
    /// <summary>The most arguments one command may have (Redis' limit).</summary>
    public const int MaxArguments = 1024 * 1024;

    /// <summary>The longest inline command or array/bulk header line.</summary>
    public const int MaxInlineBytes = 64 * 1024;

    /// <summary>
    /// Reads the next command from <paramref name="buffer"/> into <paramref name="request"/> and moves the buffer past
    /// it; false (buffer untouched) when it has not arrived whole. An empty array or blank line gives a request of no arguments.
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, RespRequest request, long maxBulkBytes)
    {
        request.Clear();
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryPeek(out var first))
        {
            return false;
        }

        var complete = first == (byte)'*' ? TryReadArray(ref reader, request, maxBulkBytes) : TryReadInline(ref reader, request);
        if (complete)
        {
            buffer = buffer.Slice(reader.Position);
        }
        else
        {
            request.Clear();
        }

        return complete;
    }

    private static bool TryReadArray(ref SequenceReader<byte> reader, RespRequest request, long maxBulkBytes)
    {
        reader.Advance(1);
        if (!TryReadLength(ref reader, out var count, "invalid multibulk length", "too big mbulk count string"))
        {
            return false;
        }

        if (count > MaxArguments)
        {
            Fail("invalid multibulk length");
        }

        for (var i = 0; i < count; i++)
        {
            if (!reader.TryRead(out var marker))
            {
                return false;
            }

            if (marker != (byte)'$')
            {
                Fail($"expected '$', got '{(char)marker}'");
            }

            if (!TryReadLength(ref reader, out var length, "invalid bulk length", "too big bulk count string"))
            {
                return false;
            }

            if (length < 0 || length > maxBulkBytes)
            {
                Fail("invalid bulk length");
            }

            if (reader.Remaining < length + 2)
            {
                return false;
            }

            var start = reader.Position;
            reader.Advance(length);
            var arg = reader.Sequence.Slice(start, reader.Position);
            if (!reader.IsNext("\r\n"u8, advancePast: true))
            {
                Fail("expected CRLF after a bulk string");
            }

            request.Add(arg);
        }

        return true;
    }

    /// <summary>Reads a decimal header line ("3\r\n"); -1 is allowed (a null) and returned as is.</summary>
    private static bool TryReadLength(ref SequenceReader<byte> reader, out long value, string invalid, string tooBig)
    {
        value = 0;
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8, advancePastDelimiter: true))
        {
            if (reader.Remaining > 33)
            {
                Fail(tooBig);
            }

            return false;
        }

        if (line.Length > 32)
        {
            Fail(tooBig);
        }

        Span<byte> digits = stackalloc byte[20];
        if (line.Length is 0 or > 20)
        {
            Fail(invalid);
        }

        line.CopyTo(digits);
        if (!Utf8Parser.TryParse(digits[..(int)line.Length], out value, out var consumed) || consumed != line.Length)
        {
            Fail(invalid);
        }

        return true;
    }

    private static bool TryReadInline(ref SequenceReader<byte> reader, RespRequest request)
    {
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n', advancePastDelimiter: true))
        {
            if (reader.Remaining > MaxInlineBytes)
            {
                Fail("too big inline request");
            }

            return false;
        }

        if (line.Length > MaxInlineBytes)
        {
            Fail("too big inline request");
        }

        var words = new SequenceReader<byte>(line);
        while (!words.End)
        {
            words.AdvancePastAny((byte)' ', (byte)'\t', (byte)'\r');
            if (words.End)
            {
                break;
            }

            var start = words.Position;
            if (words.TryAdvanceToAny(" \t\r"u8, advancePastDelimiter: false))
            {
                request.Add(line.Slice(start, words.Position));
            }
            else
            {
                request.Add(line.Slice(start));
                break;
            }
        }

        return true;
    }

    [DoesNotReturn]
    private static void Fail(string message) => throw new RespProtocolException("ERR Protocol error: " + message);
}
