using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansKv.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansKv.Tests.ProcessTests;

/// <summary>SIGTERM drains: requests the server accepted before it complete normally, and the process exits 0.</summary>
public sealed class GracefulShutdownTests
{
    private const string Token = "shutdown-test-token";
    private const int HeldRequests = 6;
    private const int LoadWriters = 8;

    private readonly ITestOutputHelper _output;

    public GracefulShutdownTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task SigtermLetsAcceptedRequestsCompleteAndExitsZero()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["TOKEN"] = Token });

        // Requests provably inside the application at SIGTERM: each sent its headers with Expect: 100-continue and
        // got "100 Continue", which Kestrel sends only when the handler starts reading the body. The bodies follow
        // after the signal.
        var held = new List<HeldRequest>();
        for (var i = 0; i < HeldRequests; i++)
        {
            held.Add(await HeldRequest.OpenAsync(server.HttpPort, $"/v1/kv/held-{i}", Token, $"value-{i}"));
        }

        // And a load of ordinary requests around the signal.
        using var client = server.CreateClient(Token, maxConnections: LoadWriters);
        using var stopLoad = new CancellationTokenSource();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<int>();
        var refused = 0;
        var load = Enumerable.Range(0, LoadWriters).Select(w => Task.Run(async () =>
        {
            for (var seq = 0; !stopLoad.IsCancellationRequested; seq++)
            {
                try
                {
                    using var response = await client.PutAsync($"/v1/kv/load-{w}-{seq % 20}", new StringContent("x"), CancellationToken.None);
                    statuses.Add((int)response.StatusCode);
                }
                catch (HttpRequestException)
                {
                    // Refused or closed after the listener stopped: not accepted, so not a broken promise.
                    Interlocked.Increment(ref refused);
                    return;
                }
            }
        })).ToList();
        await Eventually.TrueAsync(() => Task.FromResult(statuses.Count >= 50), TimeSpan.FromSeconds(10), "the load should get going");

        server.SendSigterm();
        var answers = new List<RawHttpResponse>();
        foreach (var request in held)
        {
            answers.Add(await request.CompleteAsync());
        }

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load answers: {statuses.Count}, refused after SIGTERM: {refused}, exit code {exitCode}"));

        Assert.All(answers, a => Assert.True(a.Status == 201, $"a request accepted before SIGTERM answered {a.Status}: {a.Body}"));
        Assert.DoesNotContain(statuses, s => s >= 500);
        Assert.Equal(0, exitCode);

        // What was acknowledged is there after a restart.
        await server.RestartAsync();
        using var reader = server.CreateClient(Token);
        for (var i = 0; i < HeldRequests; i++)
        {
            Assert.Equal($"value-{i}", await (await reader.GetAsync($"/v1/kv/held-{i}")).Content.ReadAsStringAsync());
        }
    }

    /// <summary>A PUT whose headers went out with <c>Expect: 100-continue</c> and were answered with 100; the body is held back.</summary>
    private sealed class HeldRequest : IDisposable
    {
        private readonly Socket _socket;
        private readonly byte[] _body;

        private HeldRequest(Socket socket, byte[] body)
        {
            _socket = socket;
            _body = body;
        }

        public static async Task<HeldRequest> OpenAsync(int port, string target, string token, string value)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
            var body = Encoding.UTF8.GetBytes(value);
            var head = $"PUT {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Length: {body.Length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, cts.Token);
            var interim = await ReadUntilAsync(socket, "\r\n\r\n", cts.Token);
            Assert.StartsWith("HTTP/1.1 100", interim, StringComparison.Ordinal);
            return new HeldRequest(socket, body);
        }

        /// <summary>Sends the body and reads the final answer (the server closes the connection after it).</summary>
        public async Task<RawHttpResponse> CompleteAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _socket.SendAsync(_body, SocketFlags.None, cts.Token);
            using var received = new MemoryStream();
            var buffer = new byte[4096];
            int read;
            while ((read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }

            Dispose();
            return RawHttpResponse.Parse(received.ToArray());
        }

        public void Dispose() => _socket.Dispose();

        private static async Task<string> ReadUntilAsync(Socket socket, string terminator, CancellationToken cancellationToken)
        {
            var text = new StringBuilder();
            var one = new byte[1];
            while (!text.ToString().EndsWith(terminator, StringComparison.Ordinal))
            {
                if (await socket.ReceiveAsync(one, SocketFlags.None, cancellationToken) == 0)
                {
                    break;
                }

                text.Append((char)one[0]);
            }

            return text.ToString();
        }
    }
}
