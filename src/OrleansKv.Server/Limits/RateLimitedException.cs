using OrleansKv.Grains;

namespace OrleansKv.Server.Limits;

/// <summary>A request refused by its namespace's (or credential's) rate limit; nothing was done. Its code is <see cref="KvErrorCode.RateLimited"/>.</summary>
public sealed class RateLimitedException : KvErrorException
{
    public RateLimitedException()
        : this(TimeSpan.FromSeconds(1))
    {
    }

    public RateLimitedException(string message)
        : base(KvErrorCode.RateLimited, message)
    {
    }

    public RateLimitedException(string message, Exception innerException)
        : base(KvErrorCode.RateLimited, message, innerException)
    {
    }

    public RateLimitedException(TimeSpan retryAfter)
        : base(KvErrorCode.RateLimited, Sentence(retryAfter)) => RetryAfter = retryAfter;

    /// <summary>When a retry may succeed.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>Retry-After in whole seconds, at least 1 (HTTP has no finer unit).</summary>
    public static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    public static string Sentence(TimeSpan retryAfter) =>
        $"The namespace's request rate limit is exceeded; retry after {Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds))} ms.";
}
