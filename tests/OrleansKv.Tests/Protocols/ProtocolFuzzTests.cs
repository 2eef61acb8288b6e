using System.Text;
using CsCheck;

namespace OrleansKv.Tests.Protocols;

/// <summary>
/// Random and mutated input sent to the real server in random pieces: each connection gets answers (errors
/// included) or a clean close, never a hang, and the server keeps serving.
/// </summary>
[Collection(TcpServerCollection.Name)]
public sealed class ProtocolFuzzTests(TcpServerFixture server)
{
    private static readonly Gen<(byte[] Input, int[] Cuts)> Inputs =
        Gen.Select(
            Gen.OneOf(
                Gen.Byte.Array[1, 2000],
                Gen.OneOf("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "SET k v\r\n", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", "*1\r\n$4\r\nPING\r\n", "GET k\n")
                    .Array[1, 20].Select(parts => Encoding.ASCII.GetBytes(string.Concat(parts))).Select(Gen.Int[0, 1000], Gen.Byte, (bytes, at, value) =>
                    {
                        bytes[at % bytes.Length] = value;
                        return bytes;
                    })),
            Gen.Int[0, 2000].Array[0, 6]);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ConnectionsGetAnswersOrACleanCloseAndTheServerStaysUp(bool resp)
    {
        var port = resp ? server.RespPort : server.TextPort;
        var samples = new List<(byte[] Input, int[] Cuts)>();
        Inputs.Sample(sample => samples.Add(sample), iter: 40, threads: 1);
        foreach (var (input, cuts) in samples)
        {
            await using var c = await TcpServerFixture.ConnectAsync(port);
            var auth = resp ? $"*2\r\n$4\r\nAUTH\r\n${server.Token.Length}\r\n{server.Token}\r\n" : $"AUTH {server.Token}\r\n";
            await c.SendAsync(auth);
            Assert.Equal(resp ? "+OK" : "OK", await c.ReadLineAsync());

            // The input, then a marker command: its answer arrives unless the server closed on a protocol error.
            var marker = resp ? "\r\n*2\r\n$4\r\nECHO\r\n$6\r\nmarker\r\n" : "\nGET marker-key-absent\n";
            try
            {
                await c.SendInPiecesAsync([.. input, .. Encoding.ASCII.GetBytes(marker)], cuts);
            }
            catch (IOException)
            {
                // The server closed the connection on a protocol error while the rest was still being sent.
                Assert.True(resp, "the text protocol never closes on bad input");
            }

            var sawMarker = false;
            var closed = false;
            try
            {
                while (!sawMarker && await c.ReadLineAsync() is { } line)
                {
                    sawMarker = line is "marker" or "NOT_FOUND";
                }

                closed = !sawMarker;
            }
            catch (IOException)
            {
                closed = true;
            }

            Assert.True(sawMarker || (resp && closed), "each connection is answered to its end, or closed after a protocol error");
        }

        await using var check = await TcpServerFixture.ConnectAsync(server.RespPort);
        await check.SendAsync($"AUTH {server.Token}\r\nPING\r\n");
        Assert.Equal("+OK", await check.ReadLineAsync());
        Assert.Equal("+PONG", await check.ReadLineAsync());
    }
}
