using OrleansKv.Grains.Tokens;

namespace OrleansKv.Server.Tokens;

/// <summary>
/// This silo's subscription to token revocations: an Orleans grain observer registered with the
/// <see cref="ITokenRevocationHub"/> at start and renewed periodically, which drops each revoked hash from the
/// <see cref="TokenRegistry"/> cache.
/// </summary>
internal sealed partial class TokenRevocations(IGrainFactory grains, TokenRegistry registry, ILogger<TokenRevocations> logger)
    : BackgroundService, ITokenRevocationObserver
{
    private static readonly TimeSpan Renew = TokenRevocationHub.Expiry / 3;

    public Task RevokedAsync(string hash)
    {
        registry.Forget(hash);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Held for the service's lifetime: Orleans keeps only a weak reference to an observer.
        var reference = grains.CreateObjectReference<ITokenRevocationObserver>(this);
        try
        {
            using var timer = new PeriodicTimer(Renew);
            do
            {
                try
                {
                    await grains.GetGrain<ITokenRevocationHub>(TokenRevocationHub.Key).SubscribeAsync(reference).WaitAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSubscribeFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            grains.DeleteObjectReference<ITokenRevocationObserver>(reference);
        }
    }

    [LoggerMessage(EventId = 3300, Level = LogLevel.Warning, Message = "Could not subscribe to token revocations; cached tokens still expire within seconds")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}
