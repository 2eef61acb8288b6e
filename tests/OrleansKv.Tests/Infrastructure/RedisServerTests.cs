using System.Net.Sockets;

namespace OrleansKv.Tests.Infrastructure;

public sealed class RedisServerTests
{
    [Fact]
    public async Task FixtureStartsARealServerAndRestartsItOnTheSamePort()
    {
        await using var redis = await RedisServerProcess.StartAsync(persistent: true);
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", redis.Port);
            Assert.True(client.Connected);
        }

        await redis.RestartAsync();
        using var again = new TcpClient();
        await again.ConnectAsync("127.0.0.1", redis.Port);
        Assert.True(again.Connected);
    }
}
