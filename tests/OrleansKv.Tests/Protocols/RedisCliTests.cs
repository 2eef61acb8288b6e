namespace OrleansKv.Tests.Protocols;

/// <summary>redis-cli (Redis' own client) against the RESP endpoint, in RESP2 and RESP3.</summary>
[Collection(TcpServerCollection.Name)]
public sealed class RedisCliTests(TcpServerFixture server)
{
    private async Task<string> CliAsync(bool resp3, params string[] command)
    {
        var run = await RedisTools.CliAsync(server, resp3, server.Token, command);
        Assert.True(run.Error.Length == 0, $"redis-cli {string.Join(' ', command)}: {run.Error}");
        return run.Output.TrimEnd('\n');
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StringCommandsAnswerAsRedisDoes(bool resp3)
    {
        var key = "cli-" + Guid.NewGuid().ToString("N");
        Assert.Equal("OK", await CliAsync(resp3, "SET", key, "hello"));
        Assert.Equal("hello", await CliAsync(resp3, "GET", key));
        Assert.Equal("11", await CliAsync(resp3, "APPEND", key, " world"));
        Assert.Equal("11", await CliAsync(resp3, "STRLEN", key));
        Assert.Equal("1", await CliAsync(resp3, "EXISTS", key));
        Assert.Equal("string", await CliAsync(resp3, "TYPE", key));
        Assert.Equal("1", await CliAsync(resp3, "INCR", key + ":n"));
        Assert.Equal("11", await CliAsync(resp3, "INCRBY", key + ":n", "10"));
        Assert.Equal("12.5", await CliAsync(resp3, "INCRBYFLOAT", key + ":n", "1.5"));
        Assert.Equal("ERR value is not an integer or out of range", await CliAsync(resp3, "INCR", key + ":n"));
        Assert.Equal("1", await CliAsync(resp3, "EXPIRE", key, "100"));
        Assert.Equal("100", await CliAsync(resp3, "TTL", key));
        Assert.Equal("hello world", await CliAsync(resp3, "GETDEL", key));
        Assert.Equal(string.Empty, await CliAsync(resp3, "GET", key));
        Assert.Equal("-2", await CliAsync(resp3, "TTL", key));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ErrorsCarryRedisTexts(bool resp3)
    {
        Assert.Equal("ERR unknown command 'nosuchcmd', with args beginning with: 'a' 'b' ", await CliAsync(resp3, "nosuchcmd", "a", "b"));
        Assert.Equal("ERR wrong number of arguments for 'get' command", await CliAsync(resp3, "GET"));
        Assert.Equal("ERR syntax error", await CliAsync(resp3, "SET", "k", "v", "BOGUS"));
        Assert.Equal("ERR DB index is out of range", await CliAsync(resp3, "SELECT", "3"));
        var noAuth = await RedisTools.CliAsync(server, resp3: false, token: null, "GET", "k");
        Assert.Equal("NOAUTH Authentication required.", noAuth.Output.TrimEnd('\n'));
        var readOnly = await RedisTools.CliAsync(server, resp3, server.ReadOnlyToken, "SET", "k", "v");
        Assert.StartsWith("NOPERM ", readOnly.Output);
    }

    [Fact]
    public async Task ScriptedTransactionRunsAtomically()
    {
        var key = "cli-" + Guid.NewGuid().ToString("N");
        var run = await RedisTools.RunAsync(
            "redis-cli",
            ["-p", server.RespPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-a", server.Token, "--no-auth-warning"],
            $"MULTI\nSET {key} 5\nINCRBY {key} 2\nGET {key}\nEXEC\n");
        Assert.Equal(["OK", "QUEUED", "QUEUED", "QUEUED", "OK", "7", "7"], run.Output.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task ScanWithMatchWalksEveryKeyOnce()
    {
        var prefix = "scan-" + Guid.NewGuid().ToString("N") + ":";
        for (var i = 0; i < 25; i++)
        {
            await CliAsync(false, "SET", prefix + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), "v");
        }

        var keys = (await CliAsync(false, "--scan", "--pattern", prefix + "1*")).Split('\n');
        Assert.Equal(Enumerable.Range(10, 10).Select(i => prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), keys.Order(StringComparer.Ordinal));
        Assert.Equal(25, (await CliAsync(false, "KEYS", prefix + "*")).Split('\n').Length);
        Assert.Equal(13, (await CliAsync(false, "KEYS", prefix + "?[02468]")).Split('\n').Length);
    }

    [Fact]
    public async Task RedisBenchmarkCompletesWithoutErrors()
    {
        var run = await RedisTools.RunAsync(
            "redis-benchmark",
            ["-h", "127.0.0.1", "-p", server.RespPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-a", server.Token, "-t", "get,set,incr,mset", "-P", "16", "-n", "4000", "-c", "8", "-q"],
            limit: TimeSpan.FromMinutes(4));
        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("ERR", run.Output + run.Error, StringComparison.Ordinal);
        foreach (var test in new[] { "SET:", "GET:", "INCR:", "MSET (10 keys):" })
        {
            Assert.Contains(test, run.Output, StringComparison.Ordinal);
        }
    }
}
