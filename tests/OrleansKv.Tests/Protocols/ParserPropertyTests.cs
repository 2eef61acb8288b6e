using System.Buffers;
using System.Text;
using CsCheck;
using OrleansKv.Server.Protocols.Resp;
using OrleansKv.Server.Protocols.Text;

namespace OrleansKv.Tests.Protocols;

/// <summary>
/// Both parsers over random and mutated input cut into pieces at random points, as reads arrive: nothing escapes but
/// the protocol error, every step makes progress or waits for more, and the commands read do not depend on where
/// the input was cut.
/// </summary>
public sealed class ParserPropertyTests
{
    private const long MaxBulk = 1024;

    private static readonly string[] RespSamples =
    [
        "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n",
        "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
        "PING\r\n",
        "ECHO   a  b\r\n",
        "*1\r\n$4\r\nPING\r\n*0\r\n",
        "*2\r\n$4\r\nINCR\r\n$0\r\n\r\n",
    ];

    private static readonly string[] TextSamples = ["AUTH tok\r\n", "SET k v v\r\n", "GET k\n", "DELETE k\r\n", "QUIT\r\n", "\r\n"];

    /// <summary>Valid requests glued together, then a few bytes overwritten, inserted or dropped.</summary>
    private static Gen<byte[]> Mutated(string[] samples) =>
        Gen.Select(Gen.OneOf<string>(samples).Array[1, 6], Gen.Select(Gen.Int[0, 400], Gen.Byte, Gen.Int[0, 2], (at, value, kind) => (At: at, Value: value, Kind: kind)).Array[0, 4], (parts, edits) =>
        {
            var bytes = Encoding.UTF8.GetBytes(string.Concat(parts)).ToList();
            foreach (var (at, value, kind) in edits)
            {
                var i = bytes.Count == 0 ? 0 : at % bytes.Count;
                switch (kind)
                {
                    case 0 when bytes.Count > 0:
                        bytes[i] = value;
                        break;
                    case 1:
                        bytes.Insert(i, value);
                        break;
                    case 2 when bytes.Count > 0:
                        bytes.RemoveAt(i);
                        break;
                }
            }

            return bytes.ToArray();
        });

    private static Gen<byte[]> Inputs(string[] samples) => Gen.OneOf(Gen.Byte.Array[0, 300], Mutated(samples));

    private static readonly Gen<int[]> Cuts = Gen.Int[0, 400].Array[0, 12];

    [Fact]
    public void RespParserReadsTheSameCommandsWhereverTheInputIsCut()
    {
        Gen.Select(Inputs(RespSamples), Cuts).Sample((input, cuts) =>
        {
            var whole = ParseResp([input]);
            var pieces = ParseResp(Split(input, cuts));
            Assert.Equal(whole.Commands, pieces.Commands);
            Assert.Equal(whole.Error, pieces.Error);
        }, iter: 20_000);
    }

    [Fact]
    public void TextParserReadsTheSameLinesWhereverTheInputIsCut()
    {
        Gen.Select(Inputs(TextSamples), Cuts).Sample((input, cuts) =>
        {
            Assert.Equal(ParseText([input]), ParseText(Split(input, cuts)));
        }, iter: 20_000);
    }

    [Fact]
    public void RespParserRejectsWhatRedisRejects()
    {
        Assert.Equal("ERR Protocol error: invalid multibulk length", ParseResp([Encoding.ASCII.GetBytes("*x\r\n")]).Error);
        Assert.Equal("ERR Protocol error: invalid bulk length", ParseResp([Encoding.ASCII.GetBytes("*1\r\n$-5\r\n")]).Error);
        Assert.Equal("ERR Protocol error: expected '$', got '+'", ParseResp([Encoding.ASCII.GetBytes("*1\r\n+OK\r\n")]).Error);
        Assert.Equal("ERR Protocol error: too big inline request", ParseResp([new byte[RespParser.MaxInlineBytes + 10]]).Error);
        var incomplete = ParseResp([Encoding.ASCII.GetBytes("*2\r\n$3\r\nGET\r\n$5\r\nab")]);
        Assert.Empty(incomplete.Commands);
        Assert.Null(incomplete.Error);
    }

    private static List<byte[]> Split(byte[] input, int[] cuts)
    {
        var pieces = new List<byte[]>();
        var start = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < input.Length).Distinct().Order())
        {
            pieces.Add(input[start..cut]);
            start = cut;
        }

        pieces.Add(input[start..]);
        return pieces;
    }

    /// <summary>Feeds pieces as a connection would: each read appends; complete commands are taken; the rest waits.</summary>
    private static (List<string> Commands, string? Error) ParseResp(List<byte[]> pieces)
    {
        var commands = new List<string>();
        var pending = Array.Empty<byte>();
        var request = new RespRequest();
        foreach (var piece in pieces)
        {
            pending = [.. pending, .. piece];
            var buffer = new ReadOnlySequence<byte>(pending);
            try
            {
                while (RespParser.TryRead(ref buffer, request, MaxBulk))
                {
                    var args = new List<string>();
                    for (var i = 0; i < request.Count; i++)
                    {
                        args.Add(Convert.ToHexString(request.Bytes(i)));
                    }

                    commands.Add(string.Join(' ', args));
                }
            }
            catch (RespProtocolException ex)
            {
                return (commands, ex.Message);
            }

            pending = buffer.ToArray();
        }

        return (commands, null);
    }

    private static List<string> ParseText(List<byte[]> pieces)
    {
        var lines = new List<string>();
        var pending = Array.Empty<byte>();
        foreach (var piece in pieces)
        {
            pending = [.. pending, .. piece];
            var buffer = new ReadOnlySequence<byte>(pending);
            while (TextLines.TryRead(ref buffer, out var line))
            {
                var parsed = TextCommand.TryParse(line.ToArray(), out var command, out var error);
                lines.Add(parsed ? $"{command.Verb} {command.Argument} {Convert.ToHexString(command.Value ?? [])}" : "ERROR " + error);
            }

            pending = buffer.ToArray();
        }

        return lines;
    }
}
