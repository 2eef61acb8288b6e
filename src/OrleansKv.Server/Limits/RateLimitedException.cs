namespace OrleansKv.Server.Limits;

/// <summary>A request refused by its namespace's (or credential's) rate limit; nothing was done. gRPC: RESOURCE_EXHAUSTED.</summary>
public sealed class RateLimitedException : Exception
{
    public RateLimitedException()
        : this(TimeSpan.FromSeconds(1))
    {
    }

    public RateLimitedException(string message)
        : base(message)
    {
    }

    public RateLimitedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RateLimitedException(TimeSpan retryAfter)
        : base(Sentence(retryAfter)) => RetryAfter = retryAfter;

    /// <summary>When a retry may succeed.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>Retry-After in whole seconds, at least 1 (HTTP has no finer unit).</summary>
    public static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    public static string Sentence(TimeSpan retryAfter) =>
        $"The namespace's request rate limit is exceeded; retry after {Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds))} ms.";
}
