using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Tests.Infrastructure;

/// <summary>Switches that make the real store fail on purpose, through <see cref="FaultyStore"/>.</summary>
internal sealed class FaultInjection
{
    public volatile bool FailCommits;
}

/// <summary>The real namespace store with injectable commit failures (a backend outage, as it surfaces).</summary>
internal sealed class FaultyStore(INamespaceStore inner, FaultInjection faults) : INamespaceStore
{
    public ValueTask<NamespaceSnapshot> ClaimAsync(string ns, CancellationToken cancellationToken) => inner.ClaimAsync(ns, cancellationToken);

    public ValueTask<StoredEntry?> ReadAsync(string ns, string key, CancellationToken cancellationToken) => inner.ReadAsync(ns, key, cancellationToken);

    public ValueTask<bool> IsCurrentEpochAsync(string ns, long epoch, CancellationToken cancellationToken) => inner.IsCurrentEpochAsync(ns, epoch, cancellationToken);

    public ValueTask ReleaseAsync(string ns, long epoch, CancellationToken cancellationToken) => inner.ReleaseAsync(ns, epoch, cancellationToken);

    public ValueTask<CommitResult> CommitAsync(string ns, CommitBatch batch, CancellationToken cancellationToken) =>
        faults.FailCommits ? ValueTask.FromException<CommitResult>(new NamespaceStoreException("injected commit failure")) : inner.CommitAsync(ns, batch, cancellationToken);

    public ValueTask<IReadOnlyList<EntrySummary>> ListPageAsync(string ns, string prefix, string? startAfter, int limit, long nowUnixMs, CancellationToken cancellationToken) =>
        inner.ListPageAsync(ns, prefix, startAfter, limit, nowUnixMs, cancellationToken);

    public ValueTask<IReadOnlyList<ExpiredEntry>> ReadExpiredAsync(string ns, long nowUnixMs, int limit, CancellationToken cancellationToken) =>
        inner.ReadExpiredAsync(ns, nowUnixMs, limit, cancellationToken);

    public ValueTask<long?> NextExpiryAsync(string ns, CancellationToken cancellationToken) => inner.NextExpiryAsync(ns, cancellationToken);

    public ValueTask<bool> PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);
}

internal static class FaultInjectionExtensions
{
    /// <summary>Wraps the registered <see cref="INamespaceStore"/> in a <see cref="FaultyStore"/>.</summary>
    public static IServiceCollection Decorate(this IServiceCollection services, FaultInjection faults)
    {
        var original = services.Last(d => d.ServiceType == typeof(INamespaceStore));
        services.Remove(original);
        services.AddSingleton<INamespaceStore>(sp =>
        {
            var inner = original.ImplementationFactory is { } factory
                ? (INamespaceStore)factory(sp)
                : original.ImplementationInstance as INamespaceStore ?? (INamespaceStore)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!);
            return new FaultyStore(inner, faults);
        });
        return services;
    }
}
