using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>Writes RESP2 or RESP3 replies straight into the connection's output.</summary>
internal sealed class RespWriter(IBufferWriter<byte> output)
{
    /// <summary>The protocol version the connection speaks: 2 until HELLO 3.</summary>
    public int Protocol { get; set; } = 2;

    public void Ok() => Raw("+OK\r\n"u8);

    public void Queued() => Raw("+QUEUED\r\n"u8);

    public void Simple(ReadOnlySpan<byte> text)
    {
        Raw("+"u8);
        Raw(text);
        Raw("\r\n"u8);
    }

    public void Simple(string text)
    {
        Raw("+"u8);
        Utf8(text);
        Raw("\r\n"u8);
    }

    /// <summary>An error; <paramref name="message"/> starts with its code (ERR, NOAUTH, ...). Line breaks become spaces.</summary>
    public void Error(string message)
    {
        Raw("-"u8);
        Utf8(message.Contains('\n') || message.Contains('\r') ? message.Replace('\r', ' ').Replace('\n', ' ') : message);
        Raw("\r\n"u8);
    }

    public void Integer(long value)
    {
        var span = output.GetSpan(24);
        span[0] = (byte)':';
        Utf8Formatter.TryFormat(value, span[1..], out var written);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        output.Advance(written + 3);
    }

    public void Bulk(ReadOnlySpan<byte> value)
    {
        Header((byte)'$', value.Length);
        Raw(value);
        Raw("\r\n"u8);
    }

    public void Bulk(string value) => Bulk(Encoding.UTF8.GetBytes(value));

    /// <summary>A bulk string, or null for <c>null</c>.</summary>
    public void BulkOrNull(byte[]? value)
    {
        if (value is null)
        {
            Null();
        }
        else
        {
            Bulk(value);
        }
    }

    /// <summary>The null reply: <c>$-1</c> in RESP2, <c>_</c> in RESP3.</summary>
    public void Null() => Raw(Protocol == 3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>A null array: <c>*-1</c> in RESP2 (what EXEC answers for an aborted transaction), <c>_</c> in RESP3.</summary>
    public void NullArray() => Raw(Protocol == 3 ? "_\r\n"u8 : "*-1\r\n"u8);

    public void Array(int count) => Header((byte)'*', count);

    /// <summary>A map of <paramref name="pairs"/> entries: <c>%</c> in RESP3, a flat array in RESP2.</summary>
    public void Map(int pairs) => Header(Protocol == 3 ? (byte)'%' : (byte)'*', Protocol == 3 ? pairs : pairs * 2);

    /// <summary>A set: <c>~</c> in RESP3, an array in RESP2.</summary>
    public void Set(int count) => Header(Protocol == 3 ? (byte)'~' : (byte)'*', count);

    /// <summary>A double: <c>,</c> in RESP3, a bulk string in RESP2.</summary>
    public void Double(ReadOnlySpan<byte> text)
    {
        if (Protocol == 3)
        {
            Raw(","u8);
            Raw(text);
            Raw("\r\n"u8);
        }
        else
        {
            Bulk(text);
        }
    }

    private void Header(byte marker, long count)
    {
        var span = output.GetSpan(24);
        span[0] = marker;
        Utf8Formatter.TryFormat(count, span[1..], out var written);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        output.Advance(written + 3);
    }

    private void Raw(ReadOnlySpan<byte> bytes) => output.Write(bytes);

    private void Utf8(string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
