using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace OrleansKv.Tests.ProcessTests;

/// <summary>
/// HTTP/1.0 over a bare socket, for request targets no HTTP client would send as written (<c>%ZZ</c>, dot
/// segments, NUL) and for garbage. The answer is read until the server closes the connection.
/// </summary>
internal static class RawHttp
{
    /// <summary>Sends <c>{method} {target} HTTP/1.0</c> with the headers and body; returns the parsed answer.</summary>
    public static async Task<RawHttpResponse> SendAsync(int port, string method, string target, string? token = null, string? body = null, params string[] headers)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{method} {target} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n");
        if (token is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Authorization: Bearer {token}\r\n");
        }

        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        if (body is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Type: application/json\r\nContent-Length: {bytes.Length}\r\n");
        }

        head.Append("\r\n");
        var answer = await ExchangeAsync(port, [.. Encoding.Latin1.GetBytes(head.ToString()), .. bytes]);
        return RawHttpResponse.Parse(answer);
    }

    /// <summary>Writes <paramref name="request"/> as is and reads until the server closes (or the timeout, default 10 s, passes).</summary>
    public static async Task<byte[]> ExchangeAsync(int port, byte[] request, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
        await socket.SendAsync(request, SocketFlags.None, cts.Token);
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException) when (received.Length > 0)
        {
            // A reset after the answer (the server closed with unread input) still leaves the answer.
        }

        return received.ToArray();
    }
}

/// <summary>A parsed raw HTTP answer.</summary>
internal sealed record RawHttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static RawHttpResponse Parse(byte[] answer)
    {
        var text = Encoding.UTF8.GetString(answer);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no HTTP answer: '{text}'");
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        return new RawHttpResponse(status, headers, text[(end + 4)..]);
    }

    /// <summary>Asserts the status and a JSON error body <c>{"error", "code"}</c> with <paramref name="code"/>.</summary>
    public void AssertError(int status, string code)
    {
        Assert.True(status == Status, $"expected {status}, got {Status}: {Body}");
        Assert.True(Headers.TryGetValue("Content-Type", out var type) && type.StartsWith("application/json", StringComparison.Ordinal), $"not JSON: {Body}");
        using var json = JsonDocument.Parse(Body);
        Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("error").GetString()));
    }
}
