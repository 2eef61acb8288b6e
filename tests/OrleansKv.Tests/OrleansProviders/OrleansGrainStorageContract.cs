using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace OrleansKv.Tests.OrleansProviders;

/// <summary>A grain state for the storage contract, serialised by Orleans' serializer.</summary>
[GenerateSerializer]
[Alias("OrleansKv.Tests.OrleansProviders.ContractState")]
public sealed record ContractState
{
    [Id(0)]
    public string Text { get; init; } = string.Empty;

    [Id(1)]
    public long Number { get; init; }

    [Id(2)]
    public DateTime At { get; init; }
}

/// <summary>
/// What every Orleans <see cref="IGrainStorage"/> must do, as scenarios a backend's test class runs from one-line
/// facts: reads of missing state, ETag-checked writes and clears that raise <see cref="InconsistentStateException"/>
/// on a mismatch, independence of grains and state names, and state that outlives the provider instance.
/// </summary>
public abstract class OrleansGrainStorageContract : IAsyncLifetime
{
    private const string StateName = "state";
    private IGrainStorage? _storage;

    protected IGrainStorage Storage => _storage ?? throw new InvalidOperationException("The storage is opened in InitializeAsync.");

    /// <summary>
    /// Opens and starts the backend's storage on this test's storage: empty the first time, the same data after
    /// <see cref="CloseAsync"/>. <paramref name="deleteStateOnClear"/> is the provider's option of that name.
    /// </summary>
    protected abstract Task<IGrainStorage> OpenAsync(bool deleteStateOnClear = false);

    /// <summary>Stops and releases the storage <see cref="OpenAsync"/> returned, keeping the stored data.</summary>
    protected abstract Task CloseAsync();

    public virtual async Task InitializeAsync() => _storage = await OpenAsync();

    public virtual async Task DisposeAsync()
    {
        if (_storage is not null)
        {
            await CloseAsync();
        }
    }

    protected async Task CheckReadingAStateNeverWrittenFindsNoRecordAndNoETag()
    {
        var state = new GrainState<ContractState> { State = new ContractState { Text = "left over" }, ETag = "stale", RecordExists = true };

        await Storage.ReadStateAsync(StateName, NewGrain(), state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(new ContractState(), state.State);
    }

    protected async Task CheckWrittenStateReadsBackWithItsETag()
    {
        var grain = NewGrain();
        var written = NewState("hello \u041f\u0440\u0438\u0432\u0435\u0442 \U0001F600", 42);

        await Storage.WriteStateAsync(StateName, grain, written);

        Assert.False(string.IsNullOrEmpty(written.ETag));
        Assert.True(written.RecordExists);
        var read = await ReadAsync(grain);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(written.State, read.State);
    }

    protected async Task CheckEveryWriteIssuesANewETag()
    {
        var grain = NewGrain();
        var state = NewState("v", 0);
        var etags = new List<string?>();
        for (var i = 1; i <= 5; i++)
        {
            state.State = state.State! with { Number = i };
            await Storage.WriteStateAsync(StateName, grain, state);
            etags.Add(state.ETag);
        }

        Assert.Equal(5, etags.Distinct().Count());
        var read = await ReadAsync(grain);
        Assert.Equal(5, read.State!.Number);
        Assert.Equal(etags[^1], read.ETag);
    }

    protected async Task CheckWriteWithAStaleETagFailsAndKeepsTheStoredState()
    {
        var grain = NewGrain();
        var state = NewState("first", 1);
        await Storage.WriteStateAsync(StateName, grain, state);
        var stale = state.ETag;
        state.State = state.State! with { Text = "second", Number = 2 };
        await Storage.WriteStateAsync(StateName, grain, state);

        var other = NewState("stale writer", 3);
        other.ETag = stale;
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grain, other));

        var read = await ReadAsync(grain);
        Assert.Equal(state.State, read.State);
        Assert.Equal(state.ETag, read.ETag);
    }

    protected async Task CheckWriteWithoutAnETagOverAStoredStateFails()
    {
        var grain = NewGrain();
        var first = NewState("first activation", 1);
        await Storage.WriteStateAsync(StateName, grain, first);

        var second = NewState("second activation", 2);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grain, second));

        Assert.Equal(first.State, (await ReadAsync(grain)).State);
    }

    protected async Task CheckWriteWithAnETagWhenNothingIsStoredFails()
    {
        var grain = NewGrain();
        var state = NewState("ghost", 1);
        state.ETag = "0123456789abcdef0123456789abcdef";

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grain, state));

        Assert.False((await ReadAsync(grain)).RecordExists);
    }

    protected async Task CheckClearWithAStaleETagFailsAndKeepsTheStoredState()
    {
        var grain = NewGrain();
        var state = NewState("kept", 1);
        await Storage.WriteStateAsync(StateName, grain, state);
        var stale = state.ETag;
        await Storage.WriteStateAsync(StateName, grain, state);

        var other = NewState(string.Empty, 0);
        other.ETag = stale;
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, grain, other));

        var read = await ReadAsync(grain);
        Assert.True(read.RecordExists);
        Assert.Equal(state.State, read.State);
        Assert.Equal(state.ETag, read.ETag);
    }

    protected async Task CheckClearedStateReadsAsNoRecordAndOnlyTheClearsETagMayWriteNext()
    {
        var grain = NewGrain();
        var state = NewState("to be cleared", 7);
        await Storage.WriteStateAsync(StateName, grain, state);
        var beforeClear = state.ETag;

        await Storage.ClearStateAsync(StateName, grain, state);

        Assert.False(state.RecordExists);
        Assert.NotEqual(beforeClear, state.ETag);
        Assert.Equal(new ContractState(), state.State);
        var read = await ReadAsync(grain);
        Assert.False(read.RecordExists);
        Assert.Equal(new ContractState(), read.State);
        Assert.Equal(state.ETag, read.ETag);

        var late = NewState("late writer", 8);
        late.ETag = beforeClear;
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grain, late));

        state.State = new ContractState { Text = "written again", Number = 9 };
        await Storage.WriteStateAsync(StateName, grain, state);
        Assert.Equal(state.State, (await ReadAsync(grain)).State);
    }

    protected async Task CheckClearThatDeletesLeavesNoETagAndAllowsAFreshWrite()
    {
        await CloseAsync();
        _storage = await OpenAsync(deleteStateOnClear: true);
        var grain = NewGrain();
        var state = NewState("deleted on clear", 1);
        await Storage.WriteStateAsync(StateName, grain, state);
        var stale = NewState(string.Empty, 0);
        stale.ETag = "0123456789abcdef0123456789abcdef";
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, grain, stale));

        await Storage.ClearStateAsync(StateName, grain, state);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        var read = await ReadAsync(grain);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        var fresh = NewState("fresh", 2);
        await Storage.WriteStateAsync(StateName, grain, fresh);
        Assert.Equal(fresh.State, (await ReadAsync(grain)).State);
    }

    protected async Task CheckStatesOfOtherGrainsAndOtherStateNamesAreIndependent()
    {
        var grain = NewGrain();
        var other = NewGrain();
        var state = NewState("mine", 1);
        var otherName = NewState("my other state", 2);
        var otherGrain = NewState("theirs", 3);

        await Storage.WriteStateAsync(StateName, grain, state);
        await Storage.WriteStateAsync("other", grain, otherName);
        await Storage.WriteStateAsync(StateName, other, otherGrain);
        await Storage.ClearStateAsync("other", grain, otherName);

        Assert.Equal(state.State, (await ReadAsync(grain)).State);
        Assert.Equal(otherGrain.State, (await ReadAsync(other)).State);
        Assert.False((await ReadAsync(grain, "other")).RecordExists);
    }

    protected async Task CheckManyGrainsWriteAndReadBackInParallel()
    {
        var grains = Enumerable.Range(0, 100).Select(i => (Grain: NewGrain(), State: NewState($"grain {i}", i))).ToList();

        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(grains.Select(async g =>
            {
                var before = g.State.ETag;
                g.State.State = g.State.State! with { Number = g.State.State.Number + 1000 };
                await Storage.WriteStateAsync(StateName, g.Grain, g.State);
                Assert.NotEqual(before, g.State.ETag);
            }));
        }

        var reads = await Task.WhenAll(grains.Select(g => ReadAsync(g.Grain)));
        Assert.Equal(grains.Select(g => (g.State.State, g.State.ETag)), reads.Select(r => (r.State, r.ETag)));
    }

    protected async Task CheckStateSurvivesReopeningTheStorage()
    {
        var grain = NewGrain();
        var state = NewState("durable", 12345);
        await Storage.WriteStateAsync(StateName, grain, state);
        var cleared = NewGrain();
        var clearedState = NewState("cleared", 1);
        await Storage.WriteStateAsync(StateName, cleared, clearedState);
        await Storage.ClearStateAsync(StateName, cleared, clearedState);

        await CloseAsync();
        _storage = await OpenAsync();

        var read = await ReadAsync(grain);
        Assert.True(read.RecordExists);
        Assert.Equal(state.State, read.State);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal(clearedState.ETag, (await ReadAsync(cleared)).ETag);
        read.State = read.State! with { Number = 54321 };
        await Storage.WriteStateAsync(StateName, grain, read);
    }

    protected static GrainId NewGrain() => GrainId.Create("contract-grain", Guid.NewGuid().ToString("N") + "/key with spaces");

    private static GrainState<ContractState> NewState(string text, long number) => new()
    {
        State = new ContractState { Text = text, Number = number, At = new DateTime(2026, 12, 2, 7, 20, 0, DateTimeKind.Utc).AddTicks(number) },
    };

    private async Task<GrainState<ContractState>> ReadAsync(GrainId grain, string stateName = StateName)
    {
        var state = new GrainState<ContractState> { State = new ContractState() };
        await Storage.ReadStateAsync(stateName, grain, state);
        return state;
    }
}
