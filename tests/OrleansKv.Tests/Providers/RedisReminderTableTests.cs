using OrleansKv.Runtime;
using static OrleansKv.Tests.Providers.ProviderTestData;

namespace OrleansKv.Tests.Providers;

/// <summary>The reminder contract against Redis, plus its two keys under one tag and ETags that never repeat.</summary>
public sealed class RedisReminderTableTests(RedisServerFixture fixture) : ReminderTableContractTests, IClassFixture<RedisServerFixture>
{
    private RedisProviders? _redis;

    private RedisProviders Redis => _redis!;

    protected override Task<IReminderTable> CreateTableAsync()
    {
        _redis = RedisProviders.Create(fixture.Server.ConnectionString);
        return Task.FromResult<IReminderTable>(_redis.Reminders);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task RemindersLiveInAHashAndASortedSetUnderTheClusterTag()
    {
        var tag = await Upsert(Reminder("ttl", 10, TimeSpan.FromSeconds(2)));

        var hash = $"okv:{{{Redis.ClusterId}}}:reminders";
        var due = hash + ":due";
        Assert.Equal([hash, due], await Redis.ScanAsync($"*{Redis.ClusterId}*"));
        Assert.Equal("hash", await Redis.TypeAsync(hash));
        Assert.Equal("sortedset", await Redis.TypeAsync(due));
        var row = Assert.Single(await Redis.HashAsync(hash));
        Assert.Equal("9:ns/tenant:ttl", row.Key);
        Assert.StartsWith(tag + "|{", row.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnETagIsNeverIssuedTwiceEvenAfterRemoveAndReinsert()
    {
        var first = await Upsert(Reminder("r", 10));
        Assert.True(await Remove("r", first));

        var second = await Upsert(Reminder("r", 10));

        Assert.NotEqual(first, second);
        Assert.False(await Remove("r", first), "a delivery holding the old ETag must not remove the re-registered reminder");
        Assert.Null(await Upsert(Reminder("r", 99), first));
    }

    [Fact]
    public async Task ADueIndexEntryWithoutItsRowIsDroppedInsteadOfBlockingTheHead()
    {
        await Upsert(Reminder("real", 5));
        var due = $"okv:{{{Redis.ClusterId}}}:reminders:due";
        await Redis.ExecuteAsync("ZADD", due, "1", "orphan");

        Assert.Empty(await Due(R0.AddMinutes(1), 1));
        Assert.Equal("real", Assert.Single(await Due(R0.AddMinutes(1), 1)).Name);
        Assert.Single(await Due(R0.AddMinutes(1), 10));
    }
}
