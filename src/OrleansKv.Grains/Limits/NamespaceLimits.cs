namespace OrleansKv.Grains;

/// <summary>
/// Per-namespace overrides of the configured limits, set through the admin API; <c>null</c> means the configured
/// default. For the rate and the key and byte quotas, 0 means no limit.
/// </summary>
/// <param name="OpsPerSecond">Requests per second the namespace may make (token bucket refill), per front end.</param>
/// <param name="Burst">Requests the bucket holds (the most the namespace may make at once).</param>
/// <param name="MaxKeys">Most keys the namespace may hold (expired keys count until swept).</param>
/// <param name="MaxBytes">Most bytes (UTF-8 key bytes plus value bytes) the namespace may hold.</param>
/// <param name="MaxValueBytes">Largest value, at most the server's MAX_VALUE_BYTES.</param>
[GenerateSerializer, Immutable, Alias("OrleansKv.NamespaceLimits")]
public sealed record NamespaceLimits(
    [property: Id(0)] int? OpsPerSecond = null,
    [property: Id(1)] int? Burst = null,
    [property: Id(2)] long? MaxKeys = null,
    [property: Id(3)] long? MaxBytes = null,
    [property: Id(4)] int? MaxValueBytes = null)
{
    /// <summary>A sentence naming the first field out of range (<paramref name="maxValueBytes"/> bounds max_value_bytes), or null.</summary>
    public string? Problem(int maxValueBytes) => this switch
    {
        { OpsPerSecond: < 0 } => "ops_per_second must be 0 (no limit) or more.",
        { Burst: < 1 } => "burst must be 1 or more.",
        { MaxKeys: < 0 } => "max_keys must be 0 (no limit) or more.",
        { MaxBytes: < 0 } => "max_bytes must be 0 (no limit) or more.",
        { MaxValueBytes: < 1 } => "max_value_bytes must be 1 or more.",
        { MaxValueBytes: { } v } when v > maxValueBytes => $"max_value_bytes must be at most the server's MAX_VALUE_BYTES ({maxValueBytes}), not {v}.",
        _ => null,
    };
}

/// <summary>The quotas a namespace grain enforces: its overrides over the configured defaults. 0 = no limit.</summary>
[GenerateSerializer, Immutable, Alias("OrleansKv.QuotaLimits")]
public readonly record struct QuotaLimits([property: Id(0)] long MaxKeys, [property: Id(1)] long MaxBytes, [property: Id(2)] int MaxValueBytes);

/// <summary>A namespace's limits as its grain holds them: the overrides, the quotas in force and the durable usage.</summary>
/// <param name="Overrides">What the admin API set (null fields: the default).</param>
/// <param name="Quotas">The quotas in force.</param>
/// <param name="Keys">Keys stored (durable), expired keys included until swept.</param>
/// <param name="Bytes">UTF-8 key bytes plus value bytes stored (durable).</param>
[GenerateSerializer, Immutable, Alias("OrleansKv.NamespaceLimitsInfo")]
public sealed record NamespaceLimitsInfo(
    [property: Id(0)] NamespaceLimits Overrides,
    [property: Id(1)] QuotaLimits Quotas,
    [property: Id(2)] long Keys,
    [property: Id(3)] long Bytes);

/// <summary>The persisted grain state of a namespace's limits (grain storage <c>NamespaceGrain.LimitsStorageName</c>).</summary>
/// <remarks>A fresh default per instance, never a shared one: a JSON storage serializer may fill the existing value in.</remarks>
[GenerateSerializer, Alias("OrleansKv.NamespaceLimitsState")]
public sealed class NamespaceLimitsState
{
    [Id(0)]
    public NamespaceLimits Overrides { get; set; } = new();
}
