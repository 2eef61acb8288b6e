using Orleans;
using OrleansKv.Providers.Sqlite;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.OrleansProviders;

/// <summary>The Orleans reminder table contract against <see cref="SqliteReminderTable"/>, registered as a silo registers it, one file per test.</summary>
public sealed class SqliteReminderTableContractTests : OrleansReminderTableContract
{
    private readonly TempDirectory _directory = new();
    private ProviderServices? _services;

    protected override Task<IReminderTable> OpenAsync()
    {
        var path = Path.Combine(_directory.Path, "state", "reminders.db");
        _services = ProviderServices.Build("sqlite", services => services.AddSqliteReminderTable(options => options.DatabasePath = path));
        return Task.FromResult(_services.ReminderTable);
    }

    protected override async Task CloseAsync()
    {
        await _services!.DisposeAsync();
        _services = null;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
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
