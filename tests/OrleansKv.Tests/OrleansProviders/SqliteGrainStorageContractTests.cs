using Orleans.Storage;
using OrleansKv.Providers.Sqlite;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.OrleansProviders;

/// <summary>The Orleans grain storage contract against <see cref="SqliteGrainStorage"/>, registered as a silo registers it, one file per test.</summary>
public sealed class SqliteGrainStorageContractTests : OrleansGrainStorageContract
{
    private const string ProviderName = "sqlite";
    private readonly TempDirectory _directory = new();
    private ProviderServices? _services;

    protected override Task<IGrainStorage> OpenAsync(bool deleteStateOnClear = false)
    {
        var path = Path.Combine(_directory.Path, "state", "grains.db");
        _services = ProviderServices.Build("sqlite", services => services.AddSqliteGrainStorageCore(ProviderName, options =>
        {
            options.DatabasePath = path;
            options.DeleteStateOnClear = deleteStateOnClear;
        }));
        return _services.StartGrainStorageAsync(ProviderName);
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
