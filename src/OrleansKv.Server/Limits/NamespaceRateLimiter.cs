using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Configuration;

namespace OrleansKv.Server.Limits;

/// <summary>
/// The request rate limits of this front end: a partitioned token bucket per namespace (its overrides over
/// NAMESPACE_OPS_PER_SECOND / NAMESPACE_BURST), chained, when TOKEN_OPS_PER_SECOND is set, with one per credential.
/// REST applies it through ASP.NET Core's rate limiting middleware (<see cref="ForHttp"/>); other protocols call
/// <see cref="Admit"/> once they know the caller. Buckets are per silo: behind a load balancer over N silos a
/// namespace may reach up to N times its rate.
/// </summary>
internal sealed class NamespaceRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<RateSubject> _limiter;
    private readonly LimitMetrics _metrics;

    public NamespaceRateLimiter(NamespaceLimitsCache limits, IOptions<LimitsOptions> options, LimitMetrics metrics)
    {
        _metrics = metrics;
        var perToken = RateLimit.Of(options.Value.TokenOpsPerSecond, options.Value.TokenBurst);
        var byNamespace = PartitionedRateLimiter.Create<RateSubject, RateBucket>(subject =>
            subject.Namespace is { } ns && limits.RateOf(ns) is { IsLimited: true } rate
                ? RateLimitPartition.GetTokenBucketLimiter(new RateBucket(ns, null, rate), static bucket => bucket.Rate.Bucket())
                : RateLimitPartition.GetNoLimiter(default(RateBucket)));
        _limiter = perToken.IsLimited
            ? PartitionedRateLimiter.CreateChained(byNamespace, PartitionedRateLimiter.Create<RateSubject, RateBucket>(subject =>
                subject.Namespace is { } ns
                    ? RateLimitPartition.GetTokenBucketLimiter(new RateBucket(ns, subject.Credential, perToken), static bucket => bucket.Rate.Bucket())
                    : RateLimitPartition.GetNoLimiter(default(RateBucket))))
            : byNamespace;
    }

    /// <summary>
    /// The limiter for the HTTP middleware, keyed by the request's principal. The gRPC endpoints opt out of the middleware
    /// (DisableRateLimiting): their service calls <see cref="Admit"/> once it knows the caller, so no call is counted twice.
    /// </summary>
    public PartitionedRateLimiter<HttpContext> ForHttp() => _limiter.WithTranslatedKey<HttpContext>(
        static context => RateSubject.Of(KvPrincipal.From(context)),
        leaveOpen: true);

    /// <summary>Takes a permit for <paramref name="caller"/>'s request, or throws <see cref="RateLimitedException"/>.</summary>
    public void Admit(KvPrincipal caller, string protocol)
    {
        if (!TryAdmit(caller, protocol, out var retryAfter))
        {
            throw new RateLimitedException(retryAfter);
        }
    }

    /// <summary>Takes a permit for <paramref name="caller"/>'s request; false, with when to retry, when refused.</summary>
    public bool TryAdmit(KvPrincipal caller, string protocol, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(RateSubject.Of(caller));
        if (lease.IsAcquired)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        _metrics.Throttled(protocol);
        retryAfter = RetryAfter(lease);
        return false;
    }

    /// <summary>When the refused <paramref name="lease"/> says a permit is due (a second when it does not say).</summary>
    public static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : TimeSpan.FromSeconds(1);

    public void Dispose() => _limiter.Dispose();

    /// <summary>Whose budget a request spends: its namespace and credential (none: not limited).</summary>
    private readonly record struct RateSubject(string? Namespace, string? Credential)
    {
        public static RateSubject Of(KvPrincipal? principal) => principal is null ? default : new(principal.Namespace, principal.Subject);
    }

    /// <summary>
    /// A bucket's partition key. It includes the rate, so a changed override starts a fresh bucket; the old one goes
    /// once idle (the partitioned limiter drops full, idle buckets).
    /// </summary>
    private readonly record struct RateBucket(string? Namespace, string? Credential, RateLimit Rate);
}
