using System.Collections.Concurrent;
using OrleansKv.Grains.Tokens;
using OrleansKv.Server.Auth;

namespace OrleansKv.Server.Tokens;

/// <summary>
/// Issued tokens, in Orleans grain storage (SQLite embedded, Redis in cluster mode): one <see cref="ITokenGrain"/>
/// per token hash, looked up on every authentication, and one <see cref="ITokenIndexGrain"/> for the admin API.
/// Look-ups are cached here by hash for a few seconds; a revocation reaches every silo's cache at once through the
/// <see cref="ITokenRevocationHub"/> (<see cref="TokenRevocations"/>).
/// </summary>
internal sealed class TokenRegistry(IGrainFactory grains, TimeProvider time)
{
    /// <summary>The longest a silo trusts a cached look-up; also the bound on a revocation the hub failed to deliver.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (KvPrincipal? Principal, long Until)> _cache = new(StringComparer.Ordinal);

    private ITokenIndexGrain Index => grains.GetGrain<ITokenIndexGrain>(TokenIndexGrain.Key);

    public async Task<(string Token, IssuedToken Record)> IssueAsync(string ns, KvScopes scopes, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        var token = TokenHashing.NewToken();
        var now = time.GetUtcNow();
        var record = new IssuedToken(TokenHashing.NewId(), ns, KvPrincipal.ScopeNames(scopes), TokenHashing.Hash(token), now, now + ttl);
        if (!await grains.GetGrain<ITokenGrain>(record.Hash).CreateAsync(record).WaitAsync(cancellationToken))
        {
            throw new InvalidOperationException("A freshly generated token collided with an existing one.");
        }

        await Index.AddAsync(record).WaitAsync(cancellationToken);
        return (token, record);
    }

    /// <summary>The cached verdict on the token with this hash, when there is a fresh one (a null principal: refused).</summary>
    public bool TryGetCached(ReadOnlySpan<char> hash, out KvPrincipal? principal)
    {
        if (_cache.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(hash, out var cached) && time.GetTimestamp() < cached.Until)
        {
            principal = cached.Principal;
            return true;
        }

        principal = null;
        return false;
    }

    /// <summary>The principal of an issued token, or null when unknown, revoked or expired.</summary>
    public async ValueTask<KvPrincipal?> FindAsync(string hash, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(hash, out var cached) && now < cached.Until)
        {
            return cached.Principal;
        }

        var record = await grains.GetGrain<ITokenGrain>(hash).GetAsync().WaitAsync(cancellationToken);
        var utcNow = time.GetUtcNow();
        var principal = record is null || record.ExpiresAt <= utcNow
            ? null
            : new KvPrincipal(record.Namespace, KvPrincipal.ParseScopes(record.Scopes), record.Id);
        if (_cache.Count > 100_000)
        {
            _cache.Clear();
        }

        // Never cache a token past its expiry: it must stop working when it expires, not up to CacheFor later.
        var cacheFor = principal is not null && record!.ExpiresAt - utcNow is { } untilExpiry && untilExpiry < CacheFor ? untilExpiry : CacheFor;
        _cache[hash] = (principal, now + (long)(cacheFor.TotalSeconds * time.TimestampFrequency));
        return principal;
    }

    /// <summary>Issued tokens, of one namespace or (for null) of all.</summary>
    public async Task<IReadOnlyList<IssuedToken>> ListAsync(string? ns, CancellationToken cancellationToken) =>
        await Index.ListAsync(ns).WaitAsync(cancellationToken);

    /// <summary>Revokes a token by id; when <paramref name="ns"/> is given, only a token of that namespace.</summary>
    public async Task<bool> RevokeAsync(string id, string? ns, CancellationToken cancellationToken)
    {
        if (!id.StartsWith("tok_", StringComparison.Ordinal) || id.Length > 128)
        {
            return false;
        }

        var record = await Index.FindAsync(id).WaitAsync(cancellationToken);
        if (record is null || (ns is not null && record.Namespace != ns))
        {
            return false;
        }

        await grains.GetGrain<ITokenGrain>(record.Hash).RevokeAsync().WaitAsync(cancellationToken);
        await Index.RemoveAsync(id).WaitAsync(cancellationToken);
        Forget(record.Hash);
        await grains.GetGrain<ITokenRevocationHub>(TokenRevocationHub.Key).PublishAsync(record.Hash).WaitAsync(cancellationToken);
        return true;
    }

    /// <summary>Drops what this silo cached about a token (a revocation here or on another silo).</summary>
    public void Forget(string hash) => _cache.TryRemove(hash, out _);
}
