using System.Buffers;
using System.Text;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>
/// One command as it arrived: its arguments as slices of the connection's input (valid until the input is advanced
/// past them). One instance per connection, reused for every command.
/// </summary>
internal sealed class RespRequest
{
    private ReadOnlySequence<byte>[] _args = new ReadOnlySequence<byte>[8];

    public int Count { get; private set; }

    public ReadOnlySequence<byte> this[int index] => _args[index];

    public void Clear() => Count = 0;

    public void Add(ReadOnlySequence<byte> arg)
    {
        if (Count == _args.Length)
        {
            Array.Resize(ref _args, _args.Length * 2);
        }

        _args[Count++] = arg;
    }

    /// <summary>Whether argument <paramref name="index"/> equals the ASCII word <paramref name="word"/>, ignoring case.</summary>
    public bool Is(int index, ReadOnlySpan<byte> word)
    {
        var arg = _args[index];
        if (arg.Length != word.Length)
        {
            return false;
        }

        if (arg.IsSingleSegment)
        {
            return Ascii.EqualsIgnoreCase(arg.FirstSpan, word);
        }

        Span<byte> copy = stackalloc byte[word.Length];
        arg.CopyTo(copy);
        return Ascii.EqualsIgnoreCase(copy, word);
    }

    public byte[] Bytes(int index) => _args[index].ToArray();

    /// <summary>The argument as text (invalid UTF-8 replaced; keys are checked separately).</summary>
    public string Text(int index) => Encoding.UTF8.GetString(_args[index]);

    /// <summary>A copy of every argument, for a command queued by MULTI.</summary>
    public byte[][] Copy()
    {
        var copy = new byte[Count][];
        for (var i = 0; i < Count; i++)
        {
            copy[i] = _args[i].ToArray();
        }

        return copy;
    }

    /// <summary>Refills from a copy made by <see cref="Copy"/>.</summary>
    public void Load(byte[][] args)
    {
        Clear();
        foreach (var arg in args)
        {
            Add(new ReadOnlySequence<byte>(arg));
        }
    }
}
