using Orleans;
using Orleans.Hosting;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.Storage.Redis;
using StackExchange.Redis;

namespace OrleansKv.Tests.OrleansProviders;

/// <summary>
/// The same contract against Orleans' own Redis reminder table (Microsoft.Orleans.Reminders.Redis) on a real
/// redis-server. The table class is internal to Orleans, so it is registered with Orleans' public
/// <c>UseRedisReminderService</c> and resolved as <see cref="IReminderTable"/>; a fresh service id per test keeps
/// each test's reminders under their own key.
/// </summary>
public sealed class RedisReminderTableContractTests(RedisServerFixture redis) : RedisReminderTableContract, IClassFixture<RedisServerFixture>
{
    protected override string ConnectionString => redis.Server.ConnectionString;
}

/// <summary>The same contract on a three-master Redis Cluster.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterReminderTableContractTests(RedisClusterFixture cluster) : RedisReminderTableContract
{
    protected override string ConnectionString => cluster.ConnectionString;
}

/// <summary>The reminder table contract on Orleans' Redis reminder table, wherever <see cref="ConnectionString"/> points.</summary>
public abstract class RedisReminderTableContract : OrleansReminderTableContract
{
    private readonly string _serviceId = "reminders-" + Guid.NewGuid().ToString("N");
    private ProviderServices? _services;

    protected abstract string ConnectionString { get; }

    protected override Task<IReminderTable> OpenAsync()
    {
        _services = ProviderServices.Build(_serviceId, services =>
            services.UseRedisReminderService(options => options.ConfigurationOptions = ConfigurationOptions.Parse(ConnectionString)));
        return Task.FromResult(_services.ReminderTable);
    }

    protected override async Task CloseAsync()
    {
        await _services!.DisposeAsync();
        _services = null;
    }

    public override async Task DisposeAsync()
    {
        await Table.TestOnlyClearTable();
        await base.DisposeAsync();
    }

    [Fact] public Task UpsertedReminderReadsBackWithItsFieldsAndETag() => CheckUpsertedReminderReadsBackWithItsFieldsAndETag();

    [Fact] public Task EveryUpsertIssuesANewETagAndTheLastOneWins() => CheckEveryUpsertIssuesANewETagAndTheLastOneWins();

    [Fact] public Task RemoveWithAStaleETagFailsAndKeepsTheReminder() => CheckRemoveWithAStaleETagFailsAndKeepsTheReminder();

    [Fact] public Task RemoveWithTheCurrentETagDeletesTheReminderOnce() => CheckRemoveWithTheCurrentETagDeletesTheReminderOnce();

    [Fact] public Task RemoveOfAnotherReminderNameFailsEvenWithTheETag() => CheckRemoveOfAnotherReminderNameFailsEvenWithTheETag();

    [Fact] public Task AnETagFromBeforeARemoveDoesNotMatchTheReRegisteredReminder() => CheckAnETagFromBeforeARemoveDoesNotMatchTheReRegisteredReminder();

    [Fact] public Task AnUnknownReminderReadsAsNullAndAnUnknownGrainAsEmpty() => CheckAnUnknownReminderReadsAsNullAndAnUnknownGrainAsEmpty();

    [Fact] public Task ReadRowsOfAGrainReturnsAllItsRemindersAndNoOthers() => CheckReadRowsOfAGrainReturnsAllItsRemindersAndNoOthers();

    [Fact] public Task RangeExcludesItsBeginAndIncludesItsEnd() => CheckRangeExcludesItsBeginAndIncludesItsEnd();

    [Fact] public Task RangeWithBeginAboveEndWrapsAroundTheRing() => CheckRangeWithBeginAboveEndWrapsAroundTheRing();

    [Fact] public Task RangeWithEqualBoundsCoversTheWholeRing() => CheckRangeWithEqualBoundsCoversTheWholeRing();

    [Fact] public Task RangeReadsOverManyGrainsAgreeWithTheirUniformHashes() => CheckRangeReadsOverManyGrainsAgreeWithTheirUniformHashes();

    [Fact] public Task ClearingTheTableRemovesEveryReminder() => CheckClearingTheTableRemovesEveryReminder();

    [Fact] public Task RemindersSurviveReopeningTheTable() => CheckRemindersSurviveReopeningTheTable();

    [Fact] public Task GrainIdsAndNamesWithUnusualCharactersRoundTrip() => CheckGrainIdsAndNamesWithUnusualCharactersRoundTrip();
}
