using System.Threading.RateLimiting;

namespace OrleansKv.Server.Limits;

/// <summary>A token bucket's rate: <see cref="OpsPerSecond"/> refill (0 = no limit) and <see cref="Burst"/> capacity.</summary>
internal readonly record struct RateLimit(int OpsPerSecond, int Burst)
{
    public bool IsLimited => OpsPerSecond > 0;

    /// <summary>A burst of 0 means one second's worth of the rate.</summary>
    public static RateLimit Of(int opsPerSecond, int burst) => new(opsPerSecond, burst > 0 ? burst : opsPerSecond);

    /// <summary>
    /// The bucket: refilled every 100 ms when the rate divides into tenths, else once a second; no queue (a request
    /// that finds the bucket empty is refused at once, with the time until a token is due).
    /// </summary>
    public TokenBucketRateLimiterOptions Bucket()
    {
        var tenths = OpsPerSecond % 10 == 0;
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = Burst,
            TokensPerPeriod = tenths ? OpsPerSecond / 10 : OpsPerSecond,
            ReplenishmentPeriod = tenths ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }
}
