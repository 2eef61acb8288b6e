using System.Text;

namespace OrleansKv.Tests.Protocols;

/// <summary>RESP on the wire, byte for byte: pipelining, inline commands, transactions, protocol errors.</summary>
[Collection(TcpServerCollection.Name)]
public sealed class RespWireTests(TcpServerFixture server)
{
    private static string Command(params string[] args)
    {
        var text = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (var arg in args)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        }

        return text.ToString();
    }

    private async Task<RawConnection> SignedInAsync()
    {
        var c = await TcpServerFixture.ConnectAsync(server.RespPort);
        await c.SendAsync(Command("AUTH", server.Token));
        Assert.Equal("+OK", await c.ReadLineAsync());
        return c;
    }

    private static string Key() => "wire-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task PipelinedCommandsAreAnsweredInOrder()
    {
        await using var c = await SignedInAsync();
        var key = Key();
        var pipeline = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            pipeline.Append(Command("SET", key, "v" + i)).Append(Command("GET", key)).Append(Command("INCR", key + ":n"));
        }

        await c.SendInPiecesAsync(Encoding.UTF8.GetBytes(pipeline.ToString()), [7, 100, 1001, 2500]);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("+OK", await c.ReadLineAsync());
            Assert.Equal("$" + ("v" + i).Length, await c.ReadLineAsync());
            Assert.Equal("v" + i, await c.ReadLineAsync());
            Assert.Equal(":" + (i + 1), await c.ReadLineAsync());
        }
    }

    [Fact]
    public async Task InlineCommandsWork()
    {
        await using var c = await SignedInAsync();
        await c.SendAsync("PING\r\nECHO hi\r\n\r\nping there\n");
        Assert.Equal("+PONG", await c.ReadLineAsync());
        Assert.Equal("$2", await c.ReadLineAsync());
        Assert.Equal("hi", await c.ReadLineAsync());
        Assert.Equal("$5", await c.ReadLineAsync());
        Assert.Equal("there", await c.ReadLineAsync());
    }

    [Fact]
    public async Task CommandsBeforeAuthGetNoAuth()
    {
        await using var c = await TcpServerFixture.ConnectAsync(server.RespPort);
        await c.SendAsync(Command("GET", "k") + Command("HELLO", "3") + Command("AUTH", "not-a-token") + Command("PING"));
        Assert.Equal("-NOAUTH Authentication required.", await c.ReadLineAsync());
        Assert.StartsWith("-NOAUTH HELLO must be called", await c.ReadLineAsync());
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.", await c.ReadLineAsync());
        Assert.Equal("-NOAUTH Authentication required.", await c.ReadLineAsync());
    }

    [Fact]
    public async Task HelloThreeSignsInAndSwitchesToResp3UntilReset()
    {
        await using var c = await TcpServerFixture.ConnectAsync(server.RespPort);
        await c.SendAsync(Command("HELLO", "3", "AUTH", "default", server.Token, "SETNAME", "tester"));
        Assert.Equal("%7", await c.ReadLineAsync());
        var map = new List<string?>();
        for (var i = 0; i < 24; i++)
        {
            map.Add(await c.ReadLineAsync());
        }

        Assert.Contains(":3", map);
        Assert.Equal("*0", await c.ReadLineAsync());
        await c.SendAsync(Command("GET", Key()) + Command("CLIENT", "GETNAME") + Command("RESET") + Command("GET", Key()));
        Assert.Equal("_", await c.ReadLineAsync());
        Assert.Equal("$6", await c.ReadLineAsync());
        Assert.Equal("tester", await c.ReadLineAsync());
        Assert.Equal("+RESET", await c.ReadLineAsync());
        Assert.Equal("-NOAUTH Authentication required.", await c.ReadLineAsync());
    }

    [Fact]
    public async Task TransactionErrorsFollowRedis()
    {
        await using var c = await SignedInAsync();
        var key = Key();
        await c.SendAsync(Command("EXEC") + Command("DISCARD") + Command("WATCH", key) + Command("MULTI") + Command("MULTI")
            + Command("SET", key, "1") + Command("NOSUCH") + Command("EXEC") + Command("GET", key));
        Assert.Equal("-ERR EXEC without MULTI", await c.ReadLineAsync());
        Assert.Equal("-ERR DISCARD without MULTI", await c.ReadLineAsync());
        Assert.StartsWith("-ERR WATCH is not supported", await c.ReadLineAsync());
        Assert.Equal("+OK", await c.ReadLineAsync());
        Assert.Equal("-ERR MULTI calls can not be nested", await c.ReadLineAsync());
        Assert.Equal("+QUEUED", await c.ReadLineAsync());
        Assert.StartsWith("-ERR unknown command 'NOSUCH'", await c.ReadLineAsync());
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.", await c.ReadLineAsync());
        Assert.Equal("$-1", await c.ReadLineAsync());
    }

    [Fact]
    public async Task CommandErrorInsideTransactionFailsOnlyThatCommand()
    {
        await using var c = await SignedInAsync();
        var key = Key();
        await c.SendAsync(Command("MULTI") + Command("SET", key, "abc") + Command("INCR", key) + Command("APPEND", key, "d") + Command("EXEC"));
        Assert.Equal("+OK", await c.ReadLineAsync());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("+QUEUED", await c.ReadLineAsync());
        }

        Assert.Equal("*3", await c.ReadLineAsync());
        Assert.Equal("+OK", await c.ReadLineAsync());
        Assert.Equal("-ERR value is not an integer or out of range", await c.ReadLineAsync());
        Assert.Equal(":4", await c.ReadLineAsync());
    }

    [Fact]
    public async Task MalformedRequestGetsAProtocolErrorAndACleanClose()
    {
        await using var c = await SignedInAsync();
        await c.SendAsync("*2\r\n$3\r\nGET\r\n:12\r\n");
        Assert.Equal("-ERR Protocol error: expected '$', got ':'", await c.ReadLineAsync());
        Assert.True(await c.ClosedByServerAsync());
        await using var d = await TcpServerFixture.ConnectAsync(server.RespPort);
        await d.SendAsync("*1\r\n$999999999\r\n");
        Assert.Equal("-ERR Protocol error: invalid bulk length", await d.ReadLineAsync());
        Assert.True(await d.ClosedByServerAsync());
    }

    [Fact]
    public async Task ConfigGetAnswersKnownNamesAndNothingForOthers()
    {
        await using var c = await SignedInAsync();
        await c.SendAsync(Command("CONFIG", "GET", "databases") + Command("CONFIG", "GET", "no-such-setting"));
        Assert.Equal("*2", await c.ReadLineAsync());
        Assert.Equal("$9", await c.ReadLineAsync());
        Assert.Equal("databases", await c.ReadLineAsync());
        Assert.Equal("$1", await c.ReadLineAsync());
        Assert.Equal("1", await c.ReadLineAsync());
        Assert.Equal("*0", await c.ReadLineAsync());
    }
}
