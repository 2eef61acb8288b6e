using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using OrleansKv.Server.Hosting;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.Protocols;

/// <summary>The TCP ports take Kestrel's limits, as the HTTP ports do: its connection limit and its keep-alive timeout as idle timeout.</summary>
public sealed class ConnectionLimitTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private int _text;
    private int _resp;
    private readonly string _token = "tok-" + Guid.NewGuid().ToString("N");
    private WebApplication? _app;

    public async Task InitializeAsync()
    {
        // A free port can be taken by a test running beside this one before the server binds it: try fresh ports.
        for (var attempt = 1; ; attempt++)
        {
            _text = RedisServerProcess.FreePort();
            _resp = RedisServerProcess.FreePort();
            _app = Create();
            try
            {
                await _app.StartAsync();
                return;
            }
            catch (Microsoft.AspNetCore.Connections.AddressInUseException) when (attempt < 5)
            {
                await _app.DisposeAsync();
            }
        }
    }

    private WebApplication Create() =>
        ServerApp.Create([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["HTTP_PORT"] = RedisServerProcess.FreePort().ToString(CultureInfo.InvariantCulture),
                ["GRPC_PORT"] = RedisServerProcess.FreePort().ToString(CultureInfo.InvariantCulture),
                ["TCP_PORT"] = _text.ToString(CultureInfo.InvariantCulture),
                ["RESP_PORT"] = _resp.ToString(CultureInfo.InvariantCulture),
                ["DATA_DIR"] = _data.Path,
                ["DURABILITY"] = "relaxed",
                ["TOKEN"] = _token,
                ["LOG_LEVEL"] = "Warning",
            });
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(1);
                k.Limits.MaxConcurrentConnections = 3;
            });
        });

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _data.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task IdleConnectionIsClosedAfterTheKeepAliveTimeout(bool resp)
    {
        await using var c = await TcpServerFixture.ConnectAsync(resp ? _resp : _text);
        await c.SendAsync($"AUTH {_token}\r\n");
        Assert.Equal(resp ? "+OK" : "OK", await c.ReadLineAsync());
        var started = DateTime.UtcNow;
        Assert.True(await c.ClosedByServerAsync());
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 0.5, 15);
    }

    [Fact]
    public async Task ConnectionsPastTheLimitAreRefused()
    {
        var open = new List<RawConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var c = await TcpServerFixture.ConnectAsync(_resp);
                await c.SendAsync("AUTH " + _token + "\r\n");
                Assert.Equal("+OK", await c.ReadLineAsync());
                open.Add(c);
            }

            // Kestrel counts connections per listener, so the limit is per port, as for each HTTP port.
            await using var extra = await TcpServerFixture.ConnectAsync(_resp);
            await extra.SendAsync("AUTH " + _token + "\r\n");
            Assert.Null(await extra.ReadLineAsync());
            await using var text = await TcpServerFixture.ConnectAsync(_text);
            await text.SendAsync("AUTH " + _token + "\r\n");
            Assert.Equal("OK", await text.ReadLineAsync());
        }
        finally
        {
            foreach (var c in open)
            {
                await c.DisposeAsync();
            }
        }
    }
}
