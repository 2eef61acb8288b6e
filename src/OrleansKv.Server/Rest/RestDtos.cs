using System.Text.Json.Serialization;

namespace OrleansKv.Server.Rest;

/// <summary>Body of <c>POST /{key}</c>.</summary>
public sealed record RootSetRequest(
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("ttl_seconds")] long? TtlSeconds);

/// <summary>Answer of <c>GET /{key}</c>.</summary>
public sealed record RootValueResponse([property: JsonPropertyName("value")] string Value);

/// <summary>Answer of the root writes.</summary>
public sealed record MessageResponse([property: JsonPropertyName("message")] string Message);

/// <summary>Answer of <c>PUT /v1/kv/{key}</c>.</summary>
public sealed record PutResponse(
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("version")] long Version);

/// <summary>One key of a listing.</summary>
public sealed record KeyItem(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("etag")] string ETag,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt);

/// <summary>Answer of <c>GET /v1/keys</c>.</summary>
public sealed record KeysResponse(
    [property: JsonPropertyName("keys")] IReadOnlyList<KeyItem> Keys,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);

/// <summary>One operation of <c>POST /v1/batch</c>.</summary>
public sealed record BatchOpRequest(
    [property: JsonPropertyName("op")] string? Op,
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("value_base64")] string? ValueBase64,
    [property: JsonPropertyName("content_type")] string? ContentType,
    [property: JsonPropertyName("ttl_seconds")] long? TtlSeconds,
    [property: JsonPropertyName("if_match")] string? IfMatch,
    [property: JsonPropertyName("if_none_match")] string? IfNoneMatch);

/// <summary>One result of a batch.</summary>
public sealed record BatchOpResult(
    [property: JsonPropertyName("op")] string Op,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("etag"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ETag = null,
    [property: JsonPropertyName("value"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Value = null,
    [property: JsonPropertyName("value_base64"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ValueBase64 = null,
    [property: JsonPropertyName("content_type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContentType = null,
    [property: JsonPropertyName("expires_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ExpiresAt = null,
    [property: JsonPropertyName("sha256"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sha256 = null,
    [property: JsonPropertyName("refs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Refs = null);

/// <summary>Answer of <c>POST /v1/batch</c>.</summary>
public sealed record BatchResponse(
    [property: JsonPropertyName("results")] IReadOnlyList<BatchOpResult> Results,
    [property: JsonPropertyName("applied")] bool Applied);

/// <summary>Body of <c>POST /v1/tokens</c>.</summary>
public sealed record IssueTokenRequest(
    [property: JsonPropertyName("namespace")] string? Namespace,
    [property: JsonPropertyName("scopes")] string[]? Scopes,
    [property: JsonPropertyName("ttl_seconds")] long? TtlSeconds);

/// <summary>Answer of <c>POST /v1/tokens</c>: the only time the token is shown.</summary>
public sealed record IssuedTokenResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("scopes")] string[] Scopes,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt);

/// <summary>A token as listed (never the token itself).</summary>
public sealed record TokenInfo(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("scopes")] string[] Scopes,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt);

/// <summary>Answer of <c>GET /v1/tokens</c>.</summary>
public sealed record TokenListResponse([property: JsonPropertyName("tokens")] IReadOnlyList<TokenInfo> Tokens);

/// <summary>Answer of the health routes.</summary>
public sealed record HealthResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("silo")] string Silo,
    [property: JsonPropertyName("silo_status")] string SiloStatus,
    [property: JsonPropertyName("cluster_size")] int ClusterSize,
    [property: JsonPropertyName("storage")] string Storage,
    [property: JsonPropertyName("mode")] string Mode);
