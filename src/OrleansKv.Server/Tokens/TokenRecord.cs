using System.Text.Json.Serialization;

namespace OrleansKv.Server.Tokens;

/// <summary>An issued token as stored (hash only, never the token).</summary>
internal sealed record TokenRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("scopes")] string[] Scopes,
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt);
