using System.Text.Json.Serialization;

namespace OrleansKv.Server.Limits;

/// <summary>Body of <c>PUT /v1/namespaces/{ns}/limits</c>: each field optional; null or absent means the default.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LimitsRequest(
    [property: JsonPropertyName("ops_per_second")] int? OpsPerSecond,
    [property: JsonPropertyName("burst")] int? Burst,
    [property: JsonPropertyName("max_keys")] long? MaxKeys,
    [property: JsonPropertyName("max_bytes")] long? MaxBytes,
    [property: JsonPropertyName("max_value_bytes")] int? MaxValueBytes);

/// <summary>A namespace's usage: stored keys and bytes (UTF-8 key bytes plus value bytes), durable.</summary>
public sealed record LimitsUsage(
    [property: JsonPropertyName("keys")] long Keys,
    [property: JsonPropertyName("bytes")] long Bytes);

/// <summary>Answer of the limits routes: the limits in force (0 = no limit), the overrides behind them, and the usage.</summary>
public sealed record LimitsResponse(
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("ops_per_second")] int OpsPerSecond,
    [property: JsonPropertyName("burst")] int Burst,
    [property: JsonPropertyName("max_keys")] long MaxKeys,
    [property: JsonPropertyName("max_bytes")] long MaxBytes,
    [property: JsonPropertyName("max_value_bytes")] int MaxValueBytes,
    [property: JsonPropertyName("overrides")] LimitsRequest Overrides,
    [property: JsonPropertyName("usage")] LimitsUsage Usage);
