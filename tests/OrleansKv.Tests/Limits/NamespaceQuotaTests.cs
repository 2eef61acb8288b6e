using System.Text;
using OrleansKv.Grains;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.Limits;

/// <summary>Quotas as the namespace grain enforces them: staged writes count, refusals change nothing, overrides persist.</summary>
public sealed class NamespaceQuotaTests
{
    private static byte[] Bytes(int size) => new byte[size];

    private static string NewNs() => "q-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task ConcurrentCreatesNeverOvershootMaxKeys()
    {
        await using var silo = await TestSilo.StartAsync();
        var ns = silo.Namespace(NewNs());
        await ns.SetLimitsAsync(new NamespaceLimits(MaxKeys: 10));

        // 50 creates at once share group commits: each decision must count the creates staged before it.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            try
            {
                await ns.SetAsync(new SetCommand($"k{i}", Bytes(8)));
                return "ok";
            }
            catch (NamespaceQuotaException ex) when (ex.Kind == QuotaKind.Keys)
            {
                return "refused";
            }
        })));

        Assert.Equal(10, outcomes.Count(o => o == "ok"));
        Assert.Equal(40, outcomes.Count(o => o == "refused"));
        var info = await ns.GetLimitsAsync();
        Assert.Equal(10, info.Keys);
        Assert.Equal(10, (await ns.ListAsync(new ListQuery(string.Empty, null, 0)).ToListAsync()).Count);
    }

    [Fact]
    public async Task KeyOperationsCountAgainstTheQuotasLikePuts()
    {
        await using var silo = await TestSilo.StartAsync();
        var ns = silo.Namespace(NewNs());
        await ns.SetLimitsAsync(new NamespaceLimits(MaxKeys: 3, MaxValueBytes: 64));
        await ns.ExecuteAsync([new KeyOperation(KeyOpKind.Set, "a", Bytes(8)), new KeyOperation(KeyOpKind.Set, "b", Bytes(8))]);

        // MSET of two new keys would make four: refused whole, nothing applied.
        var pairs = new[] { KeyValuePair.Create("c", Bytes(1)), KeyValuePair.Create("d", Bytes(1)) };
        var refused = await Assert.ThrowsAsync<NamespaceQuotaException>(() => ns.ExecuteAsync([new KeyOperation(KeyOpKind.SetMany, "c", Pairs: pairs)]).AsTask());
        Assert.Equal(QuotaKind.Keys, refused.Kind);
        Assert.Equal(2, (await ns.GetLimitsAsync()).Keys);

        // A rename moves a key (no growth) and is allowed at the limit; a copy adds one and fits; the next does not.
        await ns.ExecuteAsync([new KeyOperation(KeyOpKind.Rename, "a", Target: "a2")]);
        await ns.ExecuteAsync([new KeyOperation(KeyOpKind.Copy, "b", Target: "b2")]);
        await Assert.ThrowsAsync<NamespaceQuotaException>(() => ns.ExecuteAsync([new KeyOperation(KeyOpKind.Copy, "b", Target: "b3")]).AsTask());
        Assert.Equal(3, (await ns.GetLimitsAsync()).Keys);

        // A value above max_value_bytes is refused; an append past it does not apply.
        var big = await Assert.ThrowsAsync<NamespaceQuotaException>(() => ns.ExecuteAsync([new KeyOperation(KeyOpKind.Set, "b", Bytes(65))]).AsTask());
        Assert.Equal(QuotaKind.ValueSize, big.Kind);
        var append = await ns.ExecuteAsync([new KeyOperation(KeyOpKind.Append, "b", Bytes(60))]);
        Assert.NotEqual(KeyOpStatus.Ok, append[0].Status);
        Assert.Equal(8, (await ns.GetAsync("b"))!.Value.Length);
    }

    [Fact]
    public async Task ConcurrentGrowingWritesNeverOvershootMaxBytes()
    {
        await using var silo = await TestSilo.StartAsync();
        var ns = silo.Namespace(NewNs());
        await ns.SetLimitsAsync(new NamespaceLimits(MaxBytes: 1000));

        // Each write is 2 key bytes + 98 value bytes = 100 bytes: exactly ten fit.
        var results = await Task.WhenAll(Enumerable.Range(10, 40).Select(i => Task.Run(async () =>
        {
            try
            {
                await ns.SetAsync(new SetCommand($"{i}", Bytes(98)));
                return true;
            }
            catch (NamespaceQuotaException ex) when (ex.Kind == QuotaKind.Bytes)
            {
                return false;
            }
        })));

        Assert.Equal(10, results.Count(r => r));
        Assert.Equal(1000, (await ns.GetLimitsAsync()).Bytes);
    }

    [Fact]
    public async Task AFullNamespaceStillTakesDeletesUpdatesThatDoNotGrowAndThenNewKeys()
    {
        await using var silo = await TestSilo.StartAsync();
        var ns = silo.Namespace(NewNs());
        await ns.SetLimitsAsync(new NamespaceLimits(MaxKeys: 2, MaxBytes: 100));
        await ns.SetAsync(new SetCommand("a", Bytes(40)));
        await ns.SetAsync(new SetCommand("b", Bytes(40)));

        var full = await Assert.ThrowsAsync<NamespaceQuotaException>(async () => await ns.SetAsync(new SetCommand("c", Bytes(1))));
        Assert.Contains("max_keys", full.Message, StringComparison.Ordinal);
        var tooBig = await Assert.ThrowsAsync<NamespaceQuotaException>(async () => await ns.SetAsync(new SetCommand("a", Bytes(60))));
        Assert.Equal(QuotaKind.Bytes, tooBig.Kind);

        await ns.SetAsync(new SetCommand("a", Bytes(10)));
        Assert.Equal(KvStatus.Ok, (await ns.DeleteAsync("b")).Status);
        Assert.Equal(KvStatus.Created, (await ns.SetAsync(new SetCommand("c", Bytes(1)))).Status);
        var info = await ns.GetLimitsAsync();
        Assert.Equal(2, info.Keys);
        Assert.Equal(1 + 10 + 1 + 1, info.Bytes);
    }

    [Fact]
    public async Task ABatchThatWouldExceedAQuotaAppliesNothing()
    {
        await using var silo = await TestSilo.StartAsync();
        var ns = silo.Namespace(NewNs());
        await ns.SetLimitsAsync(new NamespaceLimits(MaxKeys: 3));
        await ns.SetAsync(new SetCommand("a", Bytes(1)));

        BatchOperation[] grow = [new(BatchOpKind.Put, "b", Bytes(1)), new(BatchOpKind.Put, "c", Bytes(1)), new(BatchOpKind.Put, "d", Bytes(1))];
        await Assert.ThrowsAsync<NamespaceQuotaException>(async () => await ns.BatchAsync(grow));
        Assert.Null(await ns.GetAsync("b"));

        // Deleting one key in the same batch makes room for it.
        BatchOperation[] swap = [new(BatchOpKind.Delete, "a"), new(BatchOpKind.Put, "b", Bytes(1)), new(BatchOpKind.Put, "c", Bytes(1)), new(BatchOpKind.Put, "d", Bytes(1))];
        Assert.True((await ns.BatchAsync(swap)).Applied);
        Assert.Equal(3, (await ns.GetLimitsAsync()).Keys);
    }

    [Fact]
    public async Task AValueAboveTheNamespacesMaxValueBytesIsRefusedOnEveryWritePath()
    {
        await using var silo = await TestSilo.StartAsync();
        var ns = silo.Namespace(NewNs());
        await ns.SetLimitsAsync(new NamespaceLimits(MaxValueBytes: 16));

        var set = await Assert.ThrowsAsync<NamespaceQuotaException>(async () => await ns.SetAsync(new SetCommand("k", Bytes(17))));
        var batch = await Assert.ThrowsAsync<NamespaceQuotaException>(async () => await ns.BatchAsync([new BatchOperation(BatchOpKind.Put, "k", Bytes(17))]));

        Assert.Equal(QuotaKind.ValueSize, set.Kind);
        Assert.Equal(QuotaKind.ValueSize, batch.Kind);
        Assert.Equal(KvStatus.Created, (await ns.SetAsync(new SetCommand("k", Bytes(16)))).Status);
    }

    [Fact]
    public async Task BadOverridesAreRefusedAndChangeNothing()
    {
        await using var silo = await TestSilo.StartAsync(configureNamespaces: o => o.MaxValueBytes = 1024);
        var ns = silo.Namespace(NewNs());
        await ns.SetLimitsAsync(new NamespaceLimits(MaxKeys: 5));

        Assert.Equal(KvErrorCode.InvalidLimits, (await Assert.ThrowsAsync<KvErrorException>(async () => await ns.SetLimitsAsync(new NamespaceLimits(MaxKeys: -1)))).Code);
        Assert.Equal(KvErrorCode.InvalidLimits, (await Assert.ThrowsAsync<KvErrorException>(async () => await ns.SetLimitsAsync(new NamespaceLimits(MaxValueBytes: 1025)))).Code);
        Assert.Equal(KvErrorCode.InvalidLimits, (await Assert.ThrowsAsync<KvErrorException>(async () => await ns.SetLimitsAsync(new NamespaceLimits(Burst: 0)))).Code);

        Assert.Equal(5, (await ns.GetLimitsAsync()).Quotas.MaxKeys);
    }

    [Fact]
    public async Task OverridesAndTheQuotasTheySetSurviveARestart()
    {
        using var data = new TempDirectory();
        var name = NewNs();
        await using (var silo = await TestSilo.StartAsync(dataDirectory: data.Path, configureNamespaces: o => o.MaxKeys = 100))
        {
            var ns = silo.Namespace(name);
            await ns.SetLimitsAsync(new NamespaceLimits(OpsPerSecond: 7, MaxKeys: 1));
            await ns.SetAsync(new SetCommand("only", Encoding.UTF8.GetBytes("v")));
        }

        await using (var silo = await TestSilo.StartAsync(dataDirectory: data.Path, configureNamespaces: o => o.MaxKeys = 100))
        {
            var ns = silo.Namespace(name);
            var info = await ns.GetLimitsAsync();

            Assert.Equal(new NamespaceLimits(OpsPerSecond: 7, MaxKeys: 1), info.Overrides);
            Assert.Equal(1, info.Quotas.MaxKeys);
            Assert.Equal(1, info.Keys);
            await Assert.ThrowsAsync<NamespaceQuotaException>(async () => await ns.SetAsync(new SetCommand("second", Bytes(1))));

            // Back to the defaults (null = default): the configured 100 keys.
            Assert.Equal(100, (await ns.SetLimitsAsync(new NamespaceLimits())).Quotas.MaxKeys);
            await ns.SetAsync(new SetCommand("second", Bytes(1)));
        }
    }
}
