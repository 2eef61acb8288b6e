namespace OrleansKv.Grains.Tokens;

/// <summary>
/// One issued token, keyed by the token's SHA-256 (hex). Authentication asks it, on whichever silo it lives, so
/// credential look-ups spread over the cluster by hash instead of meeting in one grain.
/// </summary>
[Alias("OrleansKv.ITokenGrain")]
public interface ITokenGrain : IGrainWithStringKey
{
    /// <summary>Stores <paramref name="token"/>; false when this hash already holds a token.</summary>
    [Alias("Create")]
    Task<bool> CreateAsync(IssuedToken token);

    /// <summary>The token, or null when none was issued with this hash or it was revoked.</summary>
    [Alias("Get")]
    [Orleans.Concurrency.ReadOnly]
    Task<IssuedToken?> GetAsync();

    /// <summary>Forgets the token.</summary>
    [Alias("Revoke")]
    Task RevokeAsync();
}

/// <summary>The list of issued tokens by id, for the admin API (issue, list, revoke). Key: <see cref="TokenIndexGrain.Key"/>.</summary>
[Alias("OrleansKv.ITokenIndexGrain")]
public interface ITokenIndexGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(IssuedToken token);

    [Alias("Find")]
    [Orleans.Concurrency.ReadOnly]
    Task<IssuedToken?> FindAsync(string id);

    /// <summary>Tokens of <paramref name="ns"/>, or of every namespace when null; expired ones are left out.</summary>
    [Alias("List")]
    [Orleans.Concurrency.ReadOnly]
    Task<IssuedToken[]> ListAsync(string? ns);

    [Alias("Remove")]
    Task RemoveAsync(string id);
}

/// <summary>Told when a token is revoked, so a silo drops what it cached about it.</summary>
[Alias("OrleansKv.ITokenRevocationObserver")]
public interface ITokenRevocationObserver : IGrainObserver
{
    [Alias("Revoked")]
    [Orleans.Concurrency.OneWay]
    Task RevokedAsync(string hash);
}

/// <summary>
/// Spreads revocations to every silo at once: each silo's front end subscribes an observer and renews the
/// subscription periodically; a revocation is pushed to all of them. Key: <see cref="TokenRevocationHub.Key"/>.
/// </summary>
[Alias("OrleansKv.ITokenRevocationHub")]
public interface ITokenRevocationHub : IGrainWithStringKey
{
    [Alias("Subscribe")]
    Task SubscribeAsync(ITokenRevocationObserver observer);

    [Alias("Publish")]
    Task PublishAsync(string hash);
}
