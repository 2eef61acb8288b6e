namespace OrleansKv.Grains.Tokens;

/// <summary>One issued token in grain storage <see cref="TokenGrain.StorageName"/>; see <see cref="ITokenGrain"/>.</summary>
[GrainType("token")]
public sealed class TokenGrain([PersistentState("token", TokenGrain.StorageName)] IPersistentState<TokenState> state) : Grain, ITokenGrain
{
    /// <summary>The grain storage provider token state lives in.</summary>
    public const string StorageName = "tokens";

    public async Task<bool> CreateAsync(IssuedToken token)
    {
        if (state.State.Token is not null)
        {
            return false;
        }

        state.State.Token = token;
        await state.WriteStateAsync();
        return true;
    }

    public Task<IssuedToken?> GetAsync() => Task.FromResult(state.State.Token);

    public async Task RevokeAsync()
    {
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }

        state.State.Token = null;
    }
}

/// <summary>The admin list of tokens; see <see cref="ITokenIndexGrain"/>. Issued and revoked at admin rate, so one grain holds it.</summary>
[GrainType("token-index")]
public sealed class TokenIndexGrain([PersistentState("index", TokenGrain.StorageName)] IPersistentState<TokenIndexState> state, TimeProvider time) : Grain, ITokenIndexGrain
{
    /// <summary>The key of the one index grain.</summary>
    public const string Key = "all";

    public async Task AddAsync(IssuedToken token)
    {
        Prune();
        state.State.Tokens[token.Id] = token;
        await state.WriteStateAsync();
    }

    public Task<IssuedToken?> FindAsync(string id) => Task.FromResult(state.State.Tokens.GetValueOrDefault(id));

    public Task<IssuedToken[]> ListAsync(string? ns)
    {
        var now = time.GetUtcNow();
        return Task.FromResult(state.State.Tokens.Values
            .Where(t => (ns is null || t.Namespace == ns) && !(t.ExpiresAt <= now))
            .OrderBy(t => t.CreatedAt)
            .ToArray());
    }

    public async Task RemoveAsync(string id)
    {
        if (state.State.Tokens.Remove(id))
        {
            Prune();
            await state.WriteStateAsync();
        }
    }

    /// <summary>Drops expired tokens from the index (their token grains refuse them already).</summary>
    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var expired in state.State.Tokens.Where(t => t.Value.ExpiresAt <= now).Select(t => t.Key).ToList())
        {
            state.State.Tokens.Remove(expired);
        }
    }
}
