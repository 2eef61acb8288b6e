using Orleans.Hosting;
using Orleans.Storage;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.Storage.Redis;
using StackExchange.Redis;

namespace OrleansKv.Tests.OrleansProviders;

/// <summary>
/// The same contract against Orleans' own Redis grain storage (Microsoft.Orleans.Persistence.Redis) on a real
/// redis-server, registered with Orleans' public <c>AddRedisGrainStorage</c>, resolved by name and started through
/// a silo lifecycle; a fresh service id per test keeps each test's keys apart.
/// </summary>
public sealed class RedisGrainStorageContractTests(RedisServerFixture redis) : RedisGrainStorageContract, IClassFixture<RedisServerFixture>
{
    protected override string ConnectionString => redis.Server.ConnectionString;
}

/// <summary>The same contract on a three-master Redis Cluster.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterGrainStorageContractTests(RedisClusterFixture cluster) : RedisGrainStorageContract
{
    protected override string ConnectionString => cluster.ConnectionString;
}

/// <summary>The grain storage contract on Orleans' Redis grain storage, wherever <see cref="ConnectionString"/> points.</summary>
public abstract class RedisGrainStorageContract : OrleansGrainStorageContract
{
    private const string ProviderName = "redis";
    private readonly string _serviceId = "state-" + Guid.NewGuid().ToString("N");
    private ProviderServices? _services;

    protected abstract string ConnectionString { get; }

    protected override Task<IGrainStorage> OpenAsync(bool deleteStateOnClear = false)
    {
        _services = ProviderServices.Build(_serviceId, services => services.AddRedisGrainStorage(ProviderName, options =>
        {
            options.ConfigurationOptions = ConfigurationOptions.Parse(ConnectionString);
            options.DeleteStateOnClear = deleteStateOnClear;
        }));
        return _services.StartGrainStorageAsync(ProviderName);
    }

    protected override async Task CloseAsync()
    {
        await _services!.DisposeAsync();
        _services = null;
    }

    [Fact] public Task ReadingAStateNeverWrittenFindsNoRecordAndNoETag() => CheckReadingAStateNeverWrittenFindsNoRecordAndNoETag();

    [Fact] public Task WrittenStateReadsBackWithItsETag() => CheckWrittenStateReadsBackWithItsETag();

    [Fact] public Task EveryWriteIssuesANewETag() => CheckEveryWriteIssuesANewETag();

    [Fact] public Task WriteWithAStaleETagFailsAndKeepsTheStoredState() => CheckWriteWithAStaleETagFailsAndKeepsTheStoredState();

    [Fact] public Task WriteWithoutAnETagOverAStoredStateFails() => CheckWriteWithoutAnETagOverAStoredStateFails();

    [Fact] public Task WriteWithAnETagWhenNothingIsStoredFails() => CheckWriteWithAnETagWhenNothingIsStoredFails();

    [Fact] public Task ClearWithAStaleETagFailsAndKeepsTheStoredState() => CheckClearWithAStaleETagFailsAndKeepsTheStoredState();

    [Fact] public Task ClearedStateReadsAsNoRecordAndOnlyTheClearsETagMayWriteNext() => CheckClearedStateReadsAsNoRecordAndOnlyTheClearsETagMayWriteNext();

    [Fact] public Task ClearThatDeletesLeavesNoETagAndAllowsAFreshWrite() => CheckClearThatDeletesLeavesNoETagAndAllowsAFreshWrite();

    [Fact] public Task StatesOfOtherGrainsAndOtherStateNamesAreIndependent() => CheckStatesOfOtherGrainsAndOtherStateNamesAreIndependent();

    [Fact] public Task ManyGrainsWriteAndReadBackInParallel() => CheckManyGrainsWriteAndReadBackInParallel();

    [Fact] public Task StateSurvivesReopeningTheStorage() => CheckStateSurvivesReopeningTheStorage();
}
