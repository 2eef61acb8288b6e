using System.Diagnostics;
using OrleansKv.Runtime;
using OrleansKv.Runtime.Redis;
using OrleansKv.Tests.Infrastructure;
using static OrleansKv.Tests.Providers.ProviderTestData;

namespace OrleansKv.Tests.Providers;

/// <summary>
/// The providers across Redis restarts (each test has its own server, since it kills it): with persistence the
/// data is intact and scripts work again although the restart emptied the script cache; without persistence the
/// table is empty and accepts writes again; while Redis is down calls fail fast with a clear exception.
/// </summary>
public sealed class RedisRestartTests
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task DataAndScriptsSurviveARestartWithPersistence()
    {
        await using var server = await RedisServer.StartAsync(persistent: true);
        await using var redis = RedisProviders.Create(server.ConnectionString);
        var active = Entry(Silo(1), SiloStatus.Active);
        await redis.Membership.TryWriteAsync(active, 0, default);
        await redis.Membership.TryWriteAsync(Entry(Silo(2), SiloStatus.Joining), 1, default);
        await redis.Membership.UpdateIAmAliveAsync(active.Silo, T0.AddSeconds(9), default);
        var address = new GrainAddress(new GrainId("ns", "kept"), Silo(1), 42);
        await redis.Directory.RegisterAsync(address, null, default);
        var etag = await redis.Reminders.UpsertAsync(new ReminderEntry(address.GrainId, "ttl", R0, TimeSpan.FromSeconds(5), ""), null, default);
        var reloadsBefore = redis.Connection.ScriptReloads;

        await server.RestartAsync();

        var data = await EventuallyAsync(() => redis.Membership.ReadAllAsync(default));
        Assert.Equal(2, data.Version);
        AssertSameEntry(active with { IAmAliveTime = T0.AddSeconds(9) }, data.Find(active.Silo));
        Assert.True(await EventuallyAsync(() => redis.Membership.TryWriteAsync(active with { Status = SiloStatus.ShuttingDown }, 2, default)));
        Assert.True(redis.Connection.ScriptReloads > reloadsBefore, "the restart emptied the script cache, so a script must have been sent again");
        Assert.Equal(address, await redis.Directory.LookupAsync(address.GrainId, default));
        Assert.Equal(address, await redis.Directory.RegisterAsync(address with { ActivationId = 43 }, null, default));
        Assert.Equal(etag, (await redis.Reminders.ReadAsync(address.GrainId, "ttl", default))!.ETag);
        Assert.NotNull(await redis.Reminders.UpsertAsync(new ReminderEntry(address.GrainId, "ttl", R0.AddSeconds(5), TimeSpan.FromSeconds(5), ""), etag, default));
        Assert.Single(await redis.Reminders.ReadDueAsync(R0.AddMinutes(1), 10, default));
    }

    [Fact]
    public async Task ARestartWithoutPersistenceLeavesAnEmptyTableThatAcceptsWritesAgain()
    {
        await using var server = await RedisServer.StartAsync(persistent: false);
        await using var redis = RedisProviders.Create(server.ConnectionString);
        var entry = Entry(Silo(1), SiloStatus.Active);
        await redis.Membership.TryWriteAsync(entry, 0, default);
        await redis.Membership.TryWriteAsync(Entry(Silo(2), SiloStatus.Active), 1, default);
        await redis.Directory.RegisterAsync(new GrainAddress(new GrainId("ns", "lost"), Silo(1), 1), null, default);

        await server.RestartAsync();

        var data = await EventuallyAsync(() => redis.Membership.ReadAllAsync(default));
        Assert.Equal(0, data.Version);
        Assert.Empty(data.Entries);

        // The heartbeat of a silo whose row was lost neither throws nor resurrects a partial row (dotnet/orleans#7784)...
        await redis.Membership.UpdateIAmAliveAsync(entry.Silo, T0.AddSeconds(1), default);
        Assert.Empty((await redis.Membership.ReadAllAsync(default)).Entries);

        // ...and the silo re-inserts its row at version 0, as MembershipService does on its next refresh.
        Assert.True(await redis.Membership.TryWriteAsync(entry, 0, default));
        await redis.Membership.UpdateIAmAliveAsync(entry.Silo, T0.AddSeconds(2), default);
        data = await redis.Membership.ReadAllAsync(default);
        Assert.Equal(1, data.Version);
        Assert.Equal(T0.AddSeconds(2), Assert.Single(data.Entries).IAmAliveTime);

        var fresh = new GrainAddress(new GrainId("ns", "lost"), Silo(2), 2);
        Assert.Null(await redis.Directory.LookupAsync(fresh.GrainId, default));
        Assert.Equal(fresh, await redis.Directory.RegisterAsync(fresh, null, default));
    }

    [Fact]
    public async Task WhileRedisIsDownCallsFailFastWithAClearExceptionAndRecoverAfterwards()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = RedisProviders.Create(server.ConnectionString, operationTimeout: TimeSpan.FromSeconds(2));
        await redis.Membership.TryWriteAsync(Entry(Silo(1), SiloStatus.Active), 0, default);

        server.Kill();

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RedisProviderException>(() => redis.Membership.ReadAllAsync(default));
        await Assert.ThrowsAsync<RedisProviderException>(() => redis.Membership.TryWriteAsync(Entry(Silo(2), SiloStatus.Active), 1, default));
        await Assert.ThrowsAsync<RedisProviderException>(() => redis.Directory.LookupAsync(new GrainId("ns", "x"), default));
        await Assert.ThrowsAsync<RedisProviderException>(() => redis.Reminders.ReadDueAsync(R0, 10, default));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"four failing calls took {clock.Elapsed}");
        Assert.StartsWith("Redis ", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.InnerException);

        await server.RestartAsync();

        Assert.Empty((await EventuallyAsync(() => redis.Membership.ReadAllAsync(default))).Entries);
    }

    [Fact]
    public async Task ACallCancelledByItsCallerStopsWaitingAtOnce()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = RedisProviders.Create(server.ConnectionString, operationTimeout: TimeSpan.FromSeconds(30));
        await redis.Membership.ReadAllAsync(default);
        await redis.ExecuteAsync("CLIENT", "PAUSE", "3000");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => redis.Membership.ReadAllAsync(cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"cancellation took {clock.Elapsed}");
    }

    [Fact]
    public async Task ACallThatRedisDoesNotAnswerTimesOutWithAClearException()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = RedisProviders.Create(server.ConnectionString, operationTimeout: TimeSpan.FromMilliseconds(300));
        await redis.Membership.ReadAllAsync(default);
        await redis.ExecuteAsync("CLIENT", "PAUSE", "2000");

        var error = await Assert.ThrowsAsync<RedisProviderException>(() => redis.Membership.ReadAllAsync(default));

        Assert.Contains("did not complete within", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScriptsWorkAgainAfterScriptFlush()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = RedisProviders.Create(server.ConnectionString);
        Assert.True(await redis.Membership.TryWriteAsync(Entry(Silo(1), SiloStatus.Joining), 0, default));
        var reloads = redis.Connection.ScriptReloads;

        await redis.ExecuteAsync("SCRIPT", "FLUSH");

        Assert.True(await redis.Membership.TryWriteAsync(Entry(Silo(1), SiloStatus.Active), 1, default));
        Assert.Equal(reloads + 1, redis.Connection.ScriptReloads);
        Assert.True(await redis.Membership.TryWriteAsync(Entry(Silo(2), SiloStatus.Active), 2, default));
        Assert.Equal(reloads + 1, redis.Connection.ScriptReloads);
    }

    [Fact]
    public async Task DisposingTheConnectionWhileRedisIsDownDoesNotHang()
    {
        await using var server = await RedisServer.StartAsync();
        var redis = RedisProviders.Create(server.ConnectionString);
        await redis.Membership.ReadAllAsync(default);
        server.Kill();
        await Assert.ThrowsAsync<RedisProviderException>(() => redis.Membership.ReadAllAsync(default));

        var clock = Stopwatch.StartNew();
        await redis.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"dispose took {clock.Elapsed}");
        var error = await Assert.ThrowsAsync<RedisProviderException>(() => redis.Membership.ReadAllAsync(default));
        Assert.IsType<ObjectDisposedException>(error.InnerException);
    }

    /// <summary>Retries <paramref name="call"/> while Redis is still coming back, up to <see cref="Recovery"/>.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> call)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RedisProviderException) when (deadline.Elapsed < Recovery)
            {
                await Task.Delay(50);
            }
        }
    }
}
