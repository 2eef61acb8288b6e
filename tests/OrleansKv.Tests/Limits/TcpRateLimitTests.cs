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
        Assert.All(answers.Skip(4), a => Assert.StartsWith("ERROR The namespace's request rate limit is exceeded; retry after", a, StringComparison.Ordinal));
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
        Assert.All(answers.Skip(4), a => Assert.StartsWith("-ERR The namespace's request rate limit is exceeded; retry after", a, StringComparison.Ordinal));

        await c.SendAsync("MULTI\r\nSET k v\r\nEXEC\r\nGET k\r\n");
        Assert.Equal("+OK", await c.ReadLineAsync());
        Assert.Equal("+QUEUED", await c.ReadLineAsync());
        Assert.StartsWith("-ERR The namespace's request rate limit is exceeded; retry after", await c.ReadLineAsync(), StringComparison.Ordinal);
        Assert.StartsWith("-ERR The namespace's request rate limit is exceeded; retry after", await c.ReadLineAsync(), StringComparison.Ordinal);

        // Nothing of the refused transaction ran: once the bucket refills, the key is still absent.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await c.SendAsync("GET k\r\n");
        Assert.Equal("$-1", await c.ReadLineAsync());
    }
}
