using System.Globalization;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.Protocols;

namespace OrleansKv.Tests.Limits;

/// <summary>
/// The namespace rate limit holds on the TCP protocols as on REST and gRPC: each key command (a MULTI/EXEC
/// transaction as a whole) takes a permit from the same bucket, and a refused one is answered as an error of the
/// protocol, with nothing done and the connection left open.
/// </summary>
public sealed class TcpRateLimitTests : IAsyncLifetime
{
    private readonly string _textToken = "boot-" + Guid.NewGuid().ToString("N");
    private readonly string _respToken = "boot-" + Guid.NewGuid().ToString("N");
    private readonly int _textPort = RedisServerProcess.FreePort();
    private readonly int _respPort = RedisServerProcess.FreePort();
    private InProcessServer? _server;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync(new Dictionary<string, string?>
    {
        ["TOKEN"] = _textToken + "," + _respToken,
        ["NAMESPACE_OPS_PER_SECOND"] = "1",
        ["NAMESPACE_BURST"] = "3",
        ["TCP_PORT"] = _textPort.ToString(CultureInfo.InvariantCulture),
        ["RESP_PORT"] = _respPort.ToString(CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheTextProtocolRefusesCommandsPastTheBurst()
    {
        await using var c = await TcpServerFixture.ConnectAsync(_textPort);
        await c.SendAsync($"AUTH {_textToken}\r\n" + string.Concat(Enumerable.Repeat("GET absent\r\n", 8)));
        Assert.Equal("OK", await c.ReadLineAsync());
        var answers = new List<string?>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await c.ReadLineAsync());
        }

        Assert.Equal(["NOT_FOUND", "NOT_FOUND", "NOT_FOUND"], answers.Take(3));
        // A refill tick may admit one more; every other command past the burst is refused.
        Assert.All(answers.Skip(3), a => Assert.True(a == "NOT_FOUND" || a!.StartsWith("ERROR The namespace's request rate limit is exceeded; retry after", StringComparison.Ordinal), a));
        Assert.True(answers.Skip(3).Count(a => a != "NOT_FOUND") >= 4, string.Join(" | ", answers));
    }

    [Fact]
    public async Task RespRefusesCommandsPastTheBurstAndAWholeTransactionAtOnce()
    {
        await using var c = await TcpServerFixture.ConnectAsync(_respPort);
        await c.SendAsync($"AUTH {_respToken}\r\n" + string.Concat(Enumerable.Repeat("GET absent\r\n", 6)));
        Assert.Equal("+OK", await c.ReadLineAsync());
        var answers = new List<string?>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await c.ReadLineAsync());
        }

        Assert.Equal(["$-1", "$-1", "$-1"], answers.Take(3));
        Assert.All(answers.Skip(3), a => Assert.True(a == "$-1" || a!.StartsWith("-ERR The namespace's request rate limit is exceeded; retry after", StringComparison.Ordinal), a));
        Assert.True(answers.Skip(3).Count(a => a != "$-1") >= 2, string.Join(" | ", answers));

        // Transactions until the bucket refuses one (a refill tick may admit some): a refused EXEC ran none of its commands.
        await c.SendAsync(string.Concat(Enumerable.Range(0, 3).Select(i => $"MULTI\r\nSET tx{i} v\r\nEXEC\r\n")));
        var refusedExec = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("+OK", await c.ReadLineAsync());
            Assert.Equal("+QUEUED", await c.ReadLineAsync());
            var exec = await c.ReadLineAsync();
            refusedExec.Add(exec!.StartsWith("-ERR The namespace's request rate limit is exceeded", StringComparison.Ordinal));
            if (!refusedExec[i])
            {
                Assert.Equal("*1", exec);
                Assert.Equal("+OK", await c.ReadLineAsync());
            }
        }

        Assert.Contains(true, refusedExec);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await c.SendAsync("MGET tx0 tx1 tx2\r\n");
        Assert.Equal("*3", await c.ReadLineAsync());
        for (var i = 0; i < 3; i++)
        {
            var value = await c.ReadLineAsync();
            if (refusedExec[i])
            {
                Assert.Equal("$-1", value);
            }
            else
            {
                Assert.Equal("$1", value);
                Assert.Equal("v", await c.ReadLineAsync());
            }
        }
    }
}
