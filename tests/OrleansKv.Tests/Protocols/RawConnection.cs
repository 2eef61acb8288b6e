using System.Net.Sockets;
using System.Text;

namespace OrleansKv.Tests.Protocols;

/// <summary>A plain socket client: sends bytes as given (in pieces when asked), reads lines or until the server closes.</summary>
public sealed class RawConnection : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(20);
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private RawConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawConnection> OpenAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        return new RawConnection(client);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Sends <paramref name="bytes"/> in pieces cut at the given offsets, flushing each.</summary>
    public async Task SendInPiecesAsync(byte[] bytes, IEnumerable<int> cuts)
    {
        var start = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order())
        {
            await _stream.WriteAsync(bytes.AsMemory(start, cut - start));
            await _stream.FlushAsync();
            await Task.Delay(2);
            start = cut;
        }

        await _stream.WriteAsync(bytes.AsMemory(start));
    }

    /// <summary>The next line without its CRLF; null when the server closed the connection first.</summary>
    public async Task<string?> ReadLineAsync()
    {
        var line = await ReadLineBytesAsync();
        return line is null ? null : Encoding.UTF8.GetString(line);
    }

    public async Task<byte[]?> ReadLineBytesAsync()
    {
        while (true)
        {
            var end = _pending.IndexOf((byte)'\n');
            if (end >= 0)
            {
                var line = _pending.GetRange(0, end > 0 && _pending[end - 1] == '\r' ? end - 1 : end).ToArray();
                _pending.RemoveRange(0, end + 1);
                return line;
            }

            if (!await FillAsync())
            {
                return null;
            }
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes (a bulk body); null on close.</summary>
    public async Task<byte[]?> ReadBytesAsync(int count)
    {
        while (_pending.Count < count)
        {
            if (!await FillAsync())
            {
                return null;
            }
        }

        var bytes = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return bytes;
    }

    /// <summary>Reads until the server closes; true when it did within the timeout.</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        try
        {
            while (await FillAsync())
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<bool> FillAsync()
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var read = await _stream.ReadAsync(buffer, timeout.Token);
        if (read == 0)
        {
            return false;
        }

        _pending.AddRange(buffer.AsSpan(0, read));
        return true;
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
