using System.Text;

namespace OrleansKv.Tests.Protocols;

/// <summary>The text protocol over a raw socket against the real server.</summary>
[Collection(TcpServerCollection.Name)]
public sealed class TextProtocolTests(TcpServerFixture server)
{
    private async Task<RawConnection> SignedInAsync(string? token = null)
    {
        var connection = await TcpServerFixture.ConnectAsync(server.TextPort);
        await connection.SendAsync($"AUTH {token ?? server.Token}\r\n");
        Assert.Equal("OK", await connection.ReadLineAsync());
        return connection;
    }

    private static string Key() => "text-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task SessionOfSetGetDeleteAnswersAsTheProtocolSays()
    {
        await using var c = await SignedInAsync();
        var key = Key();
        foreach (var (line, answer) in new[]
        {
            ($"SET {key} myvalue", "OK"),
            ($"GET {key}", "VALUE myvalue"),
            ($"SET {key} my value with spaces", "OK"),
            ($"GET {key}", "VALUE my value with spaces"),
            ($"DELETE {key}", "OK"),
            ($"GET {key}", "NOT_FOUND"),
            ($"DELETE {key}", "NOT_FOUND"),
        })
        {
            await c.SendAsync(line + "\r\n");
            Assert.Equal(answer, await c.ReadLineAsync());
        }
    }

    [Fact]
    public async Task AnyCommandBeforeAuthIsRefused()
    {
        await using var c = await TcpServerFixture.ConnectAsync(server.TextPort);
        await c.SendAsync("GET a\r\nSET a b\r\nAUTH wrong-token-123\r\nGET a\r\n");
        Assert.Equal("ERROR authentication required", await c.ReadLineAsync());
        Assert.Equal("ERROR authentication required", await c.ReadLineAsync());
        Assert.StartsWith("ERROR ", await c.ReadLineAsync());
        Assert.Equal("ERROR authentication required", await c.ReadLineAsync());
    }

    [Fact]
    public async Task ReadOnlyTokenReadsButCannotWrite()
    {
        await using var c = await SignedInAsync(server.ReadOnlyToken);
        await c.SendAsync($"SET {Key()} v\r\nGET {Key()}\r\n");
        Assert.Equal("ERROR the token lacks the write scope", await c.ReadLineAsync());
        Assert.Equal("NOT_FOUND", await c.ReadLineAsync());
    }

    [Fact]
    public async Task LinesSplitAcrossReadsAreAssembled()
    {
        await using var c = await SignedInAsync();
        var key = Key();
        var bytes = Encoding.UTF8.GetBytes($"SET {key} abcdef\r\nGET {key}\r\n");
        await c.SendInPiecesAsync(bytes, Enumerable.Range(1, bytes.Length - 1));
        Assert.Equal("OK", await c.ReadLineAsync());
        Assert.Equal("VALUE abcdef", await c.ReadLineAsync());
    }

    [Fact]
    public async Task PipelinedLinesAreAnsweredInOrder()
    {
        await using var c = await SignedInAsync();
        var key = Key();
        var lines = new StringBuilder();
        for (var i = 0; i < 200; i++)
        {
            lines.Append($"SET {key} v{i}\nGET {key}\n");
        }

        await c.SendAsync(lines.ToString());
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal("OK", await c.ReadLineAsync());
            Assert.Equal($"VALUE v{i}", await c.ReadLineAsync());
        }
    }

    [Fact]
    public async Task OversizeLineIsAnErrorAndTheConnectionStaysUsable()
    {
        await using var c = await SignedInAsync();
        var key = Key();
        await c.SendAsync($"SET {key} {new string('x', TcpServerFixture.MaxValueBytes + 10_000)}\r\nSET {key} small\r\nGET {key}\r\n");
        Assert.Equal("ERROR line too long", await c.ReadLineAsync());
        Assert.Equal("OK", await c.ReadLineAsync());
        Assert.Equal("VALUE small", await c.ReadLineAsync());
    }

    [Fact]
    public async Task BinaryGarbageIsAnErrorAndTheServerStaysUp()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        await using (var c = await SignedInAsync())
        {
            await c.SendAsync(garbage);
            await c.SendAsync("\n");
            await c.SendAsync(new byte[] { (byte)'G', (byte)'E', (byte)'T', (byte)' ', 0xff, 0xfe, (byte)'\n' });
            string? line;
            var errors = 0;
            while ((line = await c.ReadLineAsync()) is not null && line.StartsWith("ERROR ", StringComparison.Ordinal))
            {
                errors++;
                if (line == "ERROR the key is not valid UTF-8")
                {
                    break;
                }
            }

            Assert.Equal("ERROR the key is not valid UTF-8", line);
            Assert.True(errors >= 2, $"{errors} error lines");
        }

        await using var after = await SignedInAsync();
        await after.SendAsync($"GET {Key()}\r\n");
        Assert.Equal("NOT_FOUND", await after.ReadLineAsync());
    }

    [Fact]
    public async Task ValueSetOverTextReadsBackOverRest()
    {
        await using var c = await SignedInAsync();
        var key = Key();
        await c.SendAsync($"SET {key} from text\r\n");
        Assert.Equal("OK", await c.ReadLineAsync());
        using var rest = server.Rest();
        Assert.Equal("from text", await rest.GetStringAsync($"/v1/kv/{key}"));
    }

    [Fact]
    public async Task QuitAnswersOkAndCloses()
    {
        await using var c = await TcpServerFixture.ConnectAsync(server.TextPort);
        await c.SendAsync("QUIT\r\n");
        Assert.Equal("OK", await c.ReadLineAsync());
        Assert.True(await c.ClosedByServerAsync());
    }
}
