using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using OrleansKv.Server.Auth;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.Rest;
using Xunit.Abstractions;

namespace OrleansKv.Tests.ProcessTests;

/// <summary>
/// DESIGN guarantee 4 against the real binary: TTL survives a restart. Keys that expire while the server is down
/// are never served after it comes back, and the durable reminder removes them from storage without any request
/// to their namespace.
/// </summary>
public sealed class TtlRestartTests
{
    private const string Token = "ttl-restart-token";

    private readonly ITestOutputHelper _output;

    public TtlRestartTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("SIGTERM")]
    [InlineData("SIGKILL")]
    public async Task KeysThatExpireWhileStoppedAreSweptByTheReminderAfterRestart(string stopWith)
    {
        // A short reminder period: after the restart the reminder's next tick is at most one period away.
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["TOKEN"] = Token, ["TTL_REMINDER_PERIOD_SECONDS"] = "2" });
        var ns = TokenHashing.BootstrapNamespace(Token);
        DateTimeOffset expiresAt;
        using (var client = server.CreateClient(Token))
        {
            (await client.PutAsync("/v1/kv/kept", new StringContent("forever"))).EnsureSuccessStatusCode();
            expiresAt = DateTimeOffset.MinValue;
            foreach (var key in new[] { "ttl/a", "ttl/b", "ttl/c" })
            {
                using var content = new StringContent("short-lived");
                content.Headers.Add("X-TTL-Seconds", "2");
                (await client.PutAsync("/v1/kv/" + key, content)).EnsureSuccessStatusCode();
                using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/kv/" + key));
                var expiry = DateTimeOffset.Parse(head.Headers.GetValues("X-Expires-At").Single(), CultureInfo.InvariantCulture);
                expiresAt = expiry > expiresAt ? expiry : expiresAt;
            }
        }

        // SIGKILL proves the reminder was durable when the write was acknowledged, not written at shutdown.
        if (stopWith == "SIGTERM")
        {
            Assert.Equal(0, await server.StopAsync());
        }
        else
        {
            server.Kill();
        }

        Assert.Equal(3, CountExpiring(server.DataDirectory, ns));

        // The keys must expire while the server is down: wait out the wall clock, then start again.
        var untilExpired = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200);
        if (untilExpired > TimeSpan.Zero)
        {
            await Task.Delay(untilExpired);
        }

        await server.RestartAsync();
        var restarted = DateTimeOffset.UtcNow;

        // No request reaches the namespace until storage shows the sweep: only the reminder can cause it.
        await Eventually.TrueAsync(() => Task.FromResult(CountExpiring(server.DataDirectory, ns) == 0), TimeSpan.FromSeconds(15), "the TTL reminder should sweep the expired keys after the restart\n" + server.Output);
        _output.WriteLine($"swept {(DateTimeOffset.UtcNow - restarted).TotalMilliseconds:0} ms after the restart was ready");
        Assert.Equal(1, CountEntries(server.DataDirectory, ns));

        using var after = server.CreateClient(Token);
        foreach (var key in new[] { "ttl/a", "ttl/b", "ttl/c" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await after.GetAsync("/v1/kv/" + key)).StatusCode);
        }

        Assert.Equal(["kept"], await RestAssert.ListAllAsync(after));
        Assert.Equal("forever", await (await after.GetAsync("/v1/kv/kept")).Content.ReadAsStringAsync());
    }

    private static long CountExpiring(string dataDirectory, string ns) =>
        Count(dataDirectory, ns, "AND e.expires_at IS NOT NULL");

    private static long CountEntries(string dataDirectory, string ns) => Count(dataDirectory, ns, string.Empty);

    /// <summary>Reads the embedded store's SQLite file read-only, beside the running server.</summary>
    private static long Count(string dataDirectory, string ns, string condition)
    {
        var path = Path.Combine(dataDirectory, "orleans-kv.db");
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM entries e JOIN namespaces n ON n.id = e.ns_id WHERE n.name = $ns {condition}";
        command.Parameters.AddWithValue("$ns", ns);
        return (long)command.ExecuteScalar()!;
    }
}
