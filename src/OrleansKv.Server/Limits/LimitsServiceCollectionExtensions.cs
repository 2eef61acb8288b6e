using System.Globalization;
using Microsoft.AspNetCore.RateLimiting;
using OrleansKv.Grains;
using OrleansKv.Server.Rest;

namespace OrleansKv.Server.Limits;

/// <summary>Registers the rate limits (ASP.NET Core rate limiting over <see cref="NamespaceRateLimiter"/>) and their metrics.</summary>
internal static class LimitsServiceCollectionExtensions
{
    public static IServiceCollection AddKvLimits(this IServiceCollection services)
    {
        services.AddSingleton<LimitMetrics>();
        services.AddSingleton<NamespaceLimitsCache>();
        services.AddSingleton<NamespaceRateLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<NamespaceRateLimiter, LimitMetrics>((o, limiter, metrics) =>
        {
            o.GlobalLimiter = limiter.ForHttp();
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (rejected, cancellationToken) =>
            {
                metrics.Throttled("rest");
                var after = NamespaceRateLimiter.RetryAfter(rejected.Lease);
                var context = rejected.HttpContext;
                context.Response.Headers.RetryAfter = RateLimitedException.Seconds(after).ToString(CultureInfo.InvariantCulture);
                return new ValueTask(ApiErrors.WriteAsync(context, KvErrorCode.RateLimited, RateLimitedException.Sentence(after)));
            };
        });
        return services;
    }
}
