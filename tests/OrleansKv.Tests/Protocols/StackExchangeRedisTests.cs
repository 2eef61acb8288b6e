using System.Net.Http.Headers;
using StackExchange.Redis;

namespace OrleansKv.Tests.Protocols;

/// <summary>StackExchange.Redis against the RESP endpoint, in RESP2 and RESP3: commands, transactions, binary values,
/// namespaces, and one semantics with REST.</summary>
[Collection(TcpServerCollection.Name)]
public sealed class StackExchangeRedisTests(TcpServerFixture server)
{
    public static TheoryData<RedisProtocol> Protocols => new() { RedisProtocol.Resp2, RedisProtocol.Resp3 };

    private static string Key() => "se-" + Guid.NewGuid().ToString("N");

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringsAndCountersBehaveAsInRedis(RedisProtocol protocol)
    {
        await using var redis = await server.RedisAsync(protocol);
        var db = redis.GetDatabase();
        var key = Key();
        Assert.True(await db.StringSetAsync(key, "v1"));
        Assert.Equal("v1", await db.StringGetAsync(key));
        Assert.False(await db.StringSetAsync(key, "v2", when: When.NotExists));
        Assert.True(await db.StringSetAsync(key, "v3", when: When.Exists));
        Assert.Equal("v3", await db.StringSetAndGetAsync(key, "v4"));
        Assert.Equal("v4", await db.StringGetDeleteAsync(key));
        Assert.False(await db.KeyExistsAsync(key));
        Assert.Equal(5, await db.StringIncrementAsync(key, 5));
        Assert.Equal(3, await db.StringDecrementAsync(key, 2));
        Assert.Equal(3.25, await db.StringIncrementAsync(key, 0.25));
        var ex = await Assert.ThrowsAsync<RedisServerException>(() => db.StringIncrementAsync(key));
        Assert.Equal("ERR value is not an integer or out of range", ex.Message);
        await db.StringSetAsync(key + ":max", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ex = await Assert.ThrowsAsync<RedisServerException>(() => db.StringIncrementAsync(key + ":max"));
        Assert.Equal("ERR increment or decrement would overflow", ex.Message);
        Assert.Equal(2, await db.KeyDeleteAsync([key, key + ":max", key + ":absent"]));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ValuesAreBinarySafe(RedisProtocol protocol)
    {
        await using var redis = await server.RedisAsync(protocol);
        var db = redis.GetDatabase();
        var value = new byte[4096];
        new Random(3).NextBytes(value);
        value[0] = (byte)'\r';
        value[1] = (byte)'\n';
        var key = Key();
        await db.StringSetAsync(key, value);
        Assert.Equal(value, (byte[]?)await db.StringGetAsync(key));
        Assert.Equal(value.Length, await db.StringLengthAsync(key));
        var values = await db.StringGetAsync([key, Key()]);
        Assert.Equal(value, (byte[]?)values[0]);
        Assert.True(values[1].IsNull);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ExpiryCommandsHonourTheirConditions(RedisProtocol protocol)
    {
        await using var redis = await server.RedisAsync(protocol);
        var db = redis.GetDatabase();
        var key = Key();
        await db.StringSetAsync(key, "v");
        Assert.Null(await db.KeyTimeToLiveAsync(key));
        Assert.False(await db.KeyExpireAsync(key, TimeSpan.FromSeconds(100), ExpireWhen.HasExpiry));
        Assert.True(await db.KeyExpireAsync(key, TimeSpan.FromSeconds(100), ExpireWhen.HasNoExpiry));
        Assert.False(await db.KeyExpireAsync(key, TimeSpan.FromSeconds(50), ExpireWhen.GreaterThanCurrentExpiry));
        Assert.True(await db.KeyExpireAsync(key, TimeSpan.FromSeconds(50), ExpireWhen.LessThanCurrentExpiry));
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value.TotalSeconds, 40, 50);
        Assert.True(await db.KeyPersistAsync(key));
        Assert.Null(await db.KeyTimeToLiveAsync(key));
        Assert.True(await db.StringSetAsync(key, "w", TimeSpan.FromMilliseconds(300)));
        await Infrastructure.Eventually.TrueAsync(async () => !await db.KeyExistsAsync(key), TimeSpan.FromSeconds(10), "the key expires");
        await db.StringSetAsync(key, "x");
        Assert.True(await db.KeyExpireAsync(key, DateTime.UtcNow.AddSeconds(-1)));
        Assert.False(await db.KeyExistsAsync(key));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task RenameCopyAndMultiKeyWritesAreAtomic(RedisProtocol protocol)
    {
        await using var redis = await server.RedisAsync(protocol);
        var db = redis.GetDatabase();
        var (a, b, c) = (Key(), Key(), Key());
        Assert.True(await db.StringSetAsync([new(a, "1"), new(b, "2")]));
        Assert.False(await db.StringSetAsync([new(b, "x"), new(c, "3")], When.NotExists));
        Assert.False(await db.KeyExistsAsync(c));
        Assert.True(await db.KeyRenameAsync(a, c));
        Assert.False(await db.KeyExistsAsync(a));
        Assert.False(await db.KeyRenameAsync(c, b, When.NotExists));
        Assert.True(await db.KeyCopyAsync(c, a));
        Assert.False(await db.KeyCopyAsync(c, a));
        Assert.True(await db.KeyCopyAsync(b, a, replace: true));
        Assert.Equal(["2", "2", "1"], (await db.StringGetAsync([a, b, c])).Select(v => (string?)v));
        var ex = await Assert.ThrowsAsync<RedisServerException>(() => db.KeyRenameAsync(Key(), Key()));
        Assert.Equal("ERR no such key", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task TransactionAppliesAllItsCommandsTogether(RedisProtocol protocol)
    {
        await using var redis = await server.RedisAsync(protocol);
        var db = redis.GetDatabase();
        var key = Key();
        var transaction = db.CreateTransaction();
        var set = transaction.StringSetAsync(key, "10");
        var incr = transaction.StringIncrementAsync(key, 5);
        var get = transaction.StringGetAsync(key);
        Assert.True(await transaction.ExecuteAsync());
        Assert.True(await set);
        Assert.Equal(15, await incr);
        Assert.Equal("15", await get);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ScanAndFlushStayInTheConnectionsNamespace(RedisProtocol protocol)
    {
        await using var mine = await server.RedisAsync(protocol);
        await using var other = await server.RedisAsync(protocol, server.OtherToken);
        var key = Key();
        await mine.GetDatabase().StringSetAsync(key, "mine");
        Assert.True((await other.GetDatabase().StringGetAsync(key)).IsNull);
        await other.GetDatabase().StringSetAsync(key + ":other", "theirs");
        var endpoint = other.GetEndPoints()[0];
        Assert.DoesNotContain(other.GetServer(endpoint).Keys(pattern: key + "*"), k => k == key);
        await other.GetServer(endpoint).FlushDatabaseAsync();
        Assert.Equal(0, await other.GetServer(endpoint).DatabaseSizeAsync());
        Assert.Equal("mine", await mine.GetDatabase().StringGetAsync(key));
        Assert.Contains(mine.GetServer(mine.GetEndPoints()[0]).Keys(pattern: key + "*", pageSize: 2), k => k == key);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task KeySetOverRespReadsBackOverRestWithTheSameVersionAndTtl(RedisProtocol protocol)
    {
        await using var redis = await server.RedisAsync(protocol);
        var db = redis.GetDatabase();
        var key = Key();
        await db.StringSetAsync(key, "over resp", TimeSpan.FromSeconds(300));
        using var rest = server.Rest();
        using var response = await rest.GetAsync($"/v1/kv/{key}");
        response.EnsureSuccessStatusCode();
        Assert.Equal("over resp", await response.Content.ReadAsStringAsync());
        var expiresAt = DateTimeOffset.Parse(response.Headers.GetValues("X-Expires-At").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.InRange((expiresAt - DateTimeOffset.UtcNow - ttl!.Value).Duration().TotalSeconds, 0, 2);

        // A write over REST is seen over RESP, and an INCR over RESP moves the version REST reports.
        var etag = response.Headers.ETag!;
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/v1/kv/{key}") { Content = new StringContent("41") };
        put.Headers.IfMatch.Add(etag);
        (await rest.SendAsync(put)).EnsureSuccessStatusCode();
        Assert.Equal(42, await db.StringIncrementAsync(key));
        using var after = await rest.GetAsync($"/v1/kv/{key}");
        Assert.Equal("42", await after.Content.ReadAsStringAsync());
        Assert.NotEqual(etag, after.Headers.ETag);
        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/v1/kv/{key}") { Content = new StringContent("x") };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue(etag.Tag));
        Assert.Equal(System.Net.HttpStatusCode.PreconditionFailed, (await rest.SendAsync(stale)).StatusCode);
    }

    [Fact]
    public async Task ConcurrentIncrementsAndAppendsFromManyConnectionsLoseNothing()
    {
        var key = Key();
        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => server.RedisAsync(i % 2 == 0 ? RedisProtocol.Resp2 : RedisProtocol.Resp3)));
        try
        {
            await Task.WhenAll(clients.SelectMany(c => Enumerable.Range(0, 50).Select(i => (Task)Task.WhenAll(
                c.GetDatabase().StringIncrementAsync(key),
                c.GetDatabase().StringAppendAsync(key + ":log", "x")))));
            Assert.Equal(200, (long)await clients[0].GetDatabase().StringGetAsync(key));
            Assert.Equal(200, await clients[0].GetDatabase().StringLengthAsync(key + ":log"));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ReadOnlyTokenGetsNoPermForWrites()
    {
        await using var redis = await server.RedisAsync(RedisProtocol.Resp3, server.ReadOnlyToken);
        var db = redis.GetDatabase();
        Assert.True((await db.StringGetAsync(Key())).IsNull);
        var ex = await Assert.ThrowsAsync<RedisServerException>(() => db.StringSetAsync(Key(), "v"));
        Assert.StartsWith("NOPERM ", ex.Message);
    }
}
