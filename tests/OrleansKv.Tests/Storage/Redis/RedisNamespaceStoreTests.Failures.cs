using OrleansKv.Grains.Storage;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Storage.Redis;

/// <summary>Redis-only: scripts Redis forgot, restarts, outages and a Redis that does not answer.</summary>
public sealed partial class RedisNamespaceStoreTests
{
    [Fact]
    public async Task ScriptsRunAgainAfterRedisForgetsThem()
    {
        var session = await Open();
        await session.Put("before", "v");
        var reloads = Redis.ScriptReloadCount;

        await redis.Admin.GetServer(redis.Admin.GetEndPoints()[0]).ScriptFlushAsync();
        await session.Put("after", "v");
        var snapshot = await Claim(session.Ns);

        Assert.Equal(reloads + 2, Redis.ScriptReloadCount);
        Assert.Equal("v", Text(await Read(session.Ns, "after")));
        Assert.Equal(2, snapshot.Revision);
    }

    [Fact]
    public async Task CommittedDataAndTheScriptsSurviveARedisRestart()
    {
        await using var server = await RedisServerProcess.StartAsync(persistent: true);
        await using var store = NewStore(server.ConnectionString);
        var session = await OpenOn(store);
        var ns = session.Ns;
        var expires = NowMs + Hour;
        await session.Put("a", "1", expires);
        await session.Put("b", "2");
        await session.Put("gone", "x");
        await session.Commit(EntryMutation.Delete("gone"));
        var reloads = store.ScriptReloadCount;

        await server.RestartAsync();
        Assert.True(await TestSilo.EventuallyAsync(async () => await store.PingAsync(default)), "the store should reconnect");

        Assert.Equal("1", Text(await store.ReadAsync(ns, "a", default)));
        Assert.Null(await store.ReadAsync(ns, "gone", default));
        Assert.Equal(["a", "b"], (await store.ListPageAsync(ns, "", null, 10, 0, default)).Select(e => e.Key));
        Assert.Equal(expires, await store.NextExpiryAsync(ns, default));
        var snapshot = await store.ClaimAsync(ns, default);
        Assert.Equal(new NamespaceSnapshot(session.Epoch + 1, 4, 2, "a1b2".Length, PreviousHolderActive: true) { Objects = 2, StoredBytes = 2 }, snapshot);
        await new Session(store, ns, snapshot.Epoch, snapshot.Revision).Put("c", "3");
        Assert.Equal("3", Text(await store.ReadAsync(ns, "c", default)));
        Assert.Equal(reloads + 3, store.ScriptReloadCount); // read, claim and commit, each loaded again once
    }

    [Fact]
    public async Task WhileRedisIsDownEveryOperationFailsWithANamespaceStoreExceptionAndThenRecovers()
    {
        await using var server = await RedisServerProcess.StartAsync(persistent: true);
        await using var store = NewStore(server.ConnectionString, o => o.OperationTimeout = TimeSpan.FromSeconds(3));
        var session = await OpenOn(store);
        await session.Put("k", "v");

        server.Kill();

        var ns = session.Ns;
        Assert.False(await store.PingAsync(default));
        var failures = new Func<Task>[]
        {
            () => store.ClaimAsync(ns, default).AsTask(),
            () => store.ReadAsync(ns, "k", default).AsTask(),
            () => session.TryCommit(EntryMutation.Put(Entry("k", "lost?", session.NextRevision))),
            () => store.ListPageAsync(ns, "", null, 10, 0, default).AsTask(),
            () => store.ReadExpiredAsync(ns, NowMs, 10, default).AsTask(),
            () => store.NextExpiryAsync(ns, default).AsTask(),
        };
        foreach (var failure in failures)
        {
            var error = await Assert.ThrowsAsync<NamespaceStoreException>(failure);
            Assert.StartsWith("The Redis store could not", error.Message, StringComparison.Ordinal);
        }

        await server.RestartAsync();
        Assert.True(await TestSilo.EventuallyAsync(async () => await store.PingAsync(default)), "the store should reconnect");
        Assert.Equal("v", Text(await store.ReadAsync(ns, "k", default)));
        await session.Put("k", "after the outage");
        Assert.Equal("after the outage", Text(await store.ReadAsync(ns, "k", default)));
    }

    [Fact]
    public async Task OperationThatRedisDoesNotAnswerInTimeFailsAndACommitsOutcomeIsUnknown()
    {
        await using var server = await RedisServerProcess.StartAsync();
        await using var store = NewStore(server.ConnectionString, o => o.OperationTimeout = TimeSpan.FromMilliseconds(300));
        using var admin = await RedisServerFixture.ConnectAdminAsync(server);
        var session = await OpenOn(store);
        await session.Put("k", "v");

        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "3000", "ALL");

        var readError = await Assert.ThrowsAsync<NamespaceStoreException>(() => store.ReadAsync(session.Ns, "k", default).AsTask());
        Assert.Contains("did not answer within 300 ms", readError.Message, StringComparison.Ordinal);
        Assert.False(await store.PingAsync(default));
        var commitError = await Assert.ThrowsAsync<NamespaceStoreException>(
            () => session.TryCommit(EntryMutation.Put(Entry("late", "v", session.NextRevision))));
        Assert.Contains("outcome is unknown", commitError.Message, StringComparison.Ordinal);
        // The commit was sent; once Redis answers again it is applied, which is why its outcome was unknown.
        Assert.True(await TestSilo.EventuallyAsync(async () =>
        {
            try
            {
                return Text(await store.ReadAsync(session.Ns, "late", default)) == "v";
            }
            catch (NamespaceStoreException)
            {
                return false;
            }
        }));
    }

    [Fact]
    public async Task ReadOrCommitCancelledBeforeItIsSentDoesNothing()
    {
        var session = await Open();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.ReadAsync(session.Ns, "k", cancelled.Token).AsTask());
        var batch = new CommitBatch(session.Epoch, 0, 1, [EntryMutation.Put(Entry("k", "v", 1))]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.CommitAsync(session.Ns, batch, cancelled.Token).AsTask());

        Assert.Null(await Read(session.Ns, "k"));
        Assert.Equal(0, (await Claim(session.Ns)).Revision);
    }

    [Fact]
    public async Task DisposedStoreRefusesOperationsAndPingsFalse()
    {
        var session = await Open();
        await Redis.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.ClaimAsync(session.Ns, default).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.ReadAsync(session.Ns, "k", default).AsTask());
        Assert.False(await Store.PingAsync(default));
    }
}
