using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace OrleansKv.Grains.Tokens;

/// <summary>
/// See <see cref="ITokenRevocationHub"/>. Subscriptions live in memory and lapse after <see cref="Expiry"/> unless
/// renewed; if the hub's silo dies, the hub starts empty elsewhere and fills again as silos renew, and until then a
/// revoked token still stops working when the silo's cache entry for it runs out.
/// </summary>
[GrainType("token-revocations")]
public sealed class TokenRevocationHub(ILogger<TokenRevocationHub> logger) : Grain, ITokenRevocationHub
{
    /// <summary>The key of the one hub grain.</summary>
    public const string Key = "all";

    /// <summary>How long a subscription lasts without renewal; subscribers renew at a third of it.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(30);

    private readonly ObserverManager<ITokenRevocationObserver> _observers = new(Expiry, logger);

    public Task SubscribeAsync(ITokenRevocationObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task PublishAsync(string hash) => _observers.Notify(o => o.RevokedAsync(hash));
}
