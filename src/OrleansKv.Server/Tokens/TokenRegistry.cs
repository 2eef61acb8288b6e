using System.Collections.Concurrent;
using System.Text.Json;
using OrleansKv.Grains;
using OrleansKv.Server.Auth;

namespace OrleansKv.Server.Tokens;

/// <summary>
/// Issued tokens, kept in the reserved namespace <see cref="SystemNamespace"/> of the store itself, so they
/// are durable and cluster-wide in both storage modes. Each token is stored twice, atomically: by hash
/// (for authentication) and by id (for listing and revocation); both copies carry the token's TTL.
/// Lookups are cached for a few seconds; a revocation clears this silo's cache at once.
/// </summary>
internal sealed class TokenRegistry
{
    /// <summary>Not a valid user namespace name (those start with a letter or digit).</summary>
    public const string SystemNamespace = "_system";

    private const string ByHash = "tokens/h/";
    private const string ById = "tokens/i/";
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (KvPrincipal? Principal, long Until)> _cache = new(StringComparer.Ordinal);

    public TokenRegistry(IGrainFactory grains, TimeProvider time)
    {
        _grains = grains;
        _time = time;
    }

    private INamespaceGrain System => _grains.GetGrain<INamespaceGrain>(SystemNamespace);

    public async Task<(string Token, TokenRecord Record)> IssueAsync(string ns, KvScopes scopes, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        var token = TokenHashing.NewToken();
        var now = _time.GetUtcNow();
        var record = new TokenRecord(TokenHashing.NewId(), ns, KvPrincipal.ScopeNames(scopes), TokenHashing.Hash(token), now, now + ttl);
        var json = JsonSerializer.SerializeToUtf8Bytes(record, ServerJsonContext.Api.TokenRecord);
        var result = await System.BatchAsync(
            [
                new BatchOperation(BatchOpKind.Put, ByHash + record.Hash, json, "application/json", ttl, IfNoneMatch: true),
                new BatchOperation(BatchOpKind.Put, ById + record.Id, json, "application/json", ttl, IfNoneMatch: true),
            ],
            cancellationToken);
        if (!result.Applied)
        {
            throw new InvalidOperationException("A freshly generated token collided with an existing one.");
        }

        return (token, record);
    }

    /// <summary>The principal of an issued token, or null when unknown, revoked or expired.</summary>
    public async ValueTask<KvPrincipal?> FindAsync(string hash, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        if (_cache.TryGetValue(hash, out var cached) && now < cached.Until)
        {
            return cached.Principal;
        }

        var entry = await System.GetAsync(ByHash + hash, cancellationToken);
        var record = entry is null ? null : JsonSerializer.Deserialize(entry.Value, ServerJsonContext.Api.TokenRecord);
        var utcNow = _time.GetUtcNow();
        var principal = record is null || record.ExpiresAt <= utcNow
            ? null
            : new KvPrincipal(record.Namespace, KvPrincipal.ParseScopes(record.Scopes), record.Id);
        if (_cache.Count > 100_000)
        {
            _cache.Clear();
        }

        // Never cache a token past its expiry: it must stop working when it expires, not up to CacheFor later.
        var cacheFor = principal is not null && record!.ExpiresAt - utcNow is { } untilExpiry && untilExpiry < CacheFor ? untilExpiry : CacheFor;
        _cache[hash] = (principal, now + (long)(cacheFor.TotalSeconds * _time.TimestampFrequency));
        return principal;
    }

    /// <summary>Issued tokens, of one namespace or (for null) of all.</summary>
    public async Task<IReadOnlyList<TokenRecord>> ListAsync(string? ns, CancellationToken cancellationToken)
    {
        var records = new List<TokenRecord>();
        var keys = new List<string>();
        await foreach (var item in System.ListAsync(new ListQuery(ById, null, 0), cancellationToken))
        {
            keys.Add(item.Key);
        }

        foreach (var chunk in keys.Chunk(KeyRules.MaxBatchOperations))
        {
            var result = await System.BatchAsync([.. chunk.Select(k => new BatchOperation(BatchOpKind.Get, k))], cancellationToken);
            foreach (var outcome in result.Results)
            {
                if (outcome.Entry is { } entry
                    && JsonSerializer.Deserialize(entry.Value, ServerJsonContext.Api.TokenRecord) is { } record
                    && (ns is null || record.Namespace == ns))
                {
                    records.Add(record);
                }
            }
        }

        return records;
    }

    /// <summary>Revokes a token by id; when <paramref name="ns"/> is given, only a token of that namespace.</summary>
    public async Task<bool> RevokeAsync(string id, string? ns, CancellationToken cancellationToken)
    {
        if (!id.StartsWith("tok_", StringComparison.Ordinal) || KeyRules.ValidateKey(ById + id) is not null)
        {
            return false;
        }

        var entry = await System.GetAsync(ById + id, cancellationToken);
        if (entry is null || JsonSerializer.Deserialize(entry.Value, ServerJsonContext.Api.TokenRecord) is not { } record || (ns is not null && record.Namespace != ns))
        {
            return false;
        }

        await System.BatchAsync([new BatchOperation(BatchOpKind.Delete, ByHash + record.Hash), new BatchOperation(BatchOpKind.Delete, ById + record.Id)], cancellationToken);
        _cache.TryRemove(record.Hash, out _);
        return true;
    }
}
