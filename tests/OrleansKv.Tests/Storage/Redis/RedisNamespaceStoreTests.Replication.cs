using System.Globalization;
using OrleansKv.Grains.Storage;
using OrleansKv.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansKv.Tests.Storage.Redis;

/// <summary>Redis-only: <see cref="Grains.Storage.Redis.RedisStoreOptions.WaitReplicas"/>, a commit acknowledged only
/// once replicas confirm it.</summary>
public sealed partial class RedisNamespaceStoreTests
{
    [Fact]
    public async Task WithWaitReplicasAnAcknowledgedCommitIsAlreadyOnTheReplica()
    {
        await using var primary = await RedisServerProcess.StartAsync();
        await using var replica = await RedisServerProcess.StartAsync(arguments: ["--replicaof", "127.0.0.1", primary.Port.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(await TestSilo.EventuallyAsync(async () => (await replica.TrySendAsync("INFO replication"))?.Contains("master_link_status:up", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(20)));
        await using var store = NewStore(primary.ConnectionString, o => o.WaitReplicas = 1);
        await using var onReplica = await ConnectionMultiplexer.ConnectAsync(replica.ConnectionString);
        var session = await OpenOn(store);
        var meta = store.KeysOf(session.Ns).Meta;

        for (var i = 0; i < 20; i++)
        {
            await session.Put($"k{i}", $"v{i}");

            // Read from the replica at once, without waiting: the acknowledged revision is there already.
            Assert.Equal(session.Revision, (long)await onReplica.GetDatabase().HashGetAsync(meta, "revision", CommandFlags.DemandReplica));
        }
    }

    [Fact]
    public async Task WithWaitReplicasAndNoReplicaACommitFailsAsUnknownOutcome()
    {
        await using var store = NewStore(redis.Server.ConnectionString, o =>
        {
            o.WaitReplicas = 1;
            o.ReplicaWaitTimeout = TimeSpan.FromMilliseconds(200);
        });
        var ns = NewNamespace();

        var claim = await Assert.ThrowsAsync<NamespaceStoreException>(async () => await store.ClaimAsync(ns, default));
        Assert.Contains("0 of 1 replicas", claim.Message, StringComparison.Ordinal);
        Assert.Contains("outcome is unknown", claim.Message, StringComparison.Ordinal);

        // The primary applied it all the same: unknown, not failed.
        Assert.Equal(1, (long)await Admin.HashGetAsync(store.KeysOf(ns).Meta, "epoch"));
    }
}
