using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansKv.Runtime.Activations;

namespace OrleansKv.Runtime;

/// <summary>
/// Routes grain calls: locates the owning silo, runs the call on the local activation without
/// serialisation or sends it to the owner, and retries transparently — with a short backoff, within
/// <see cref="SiloOptions.CallRetryTimeout"/> — while the grain moves (redirects, deactivations, fenced
/// activations, a silo that died and is not yet declared dead).
/// </summary>
internal sealed partial class GrainCallInvoker : IGrainCallInvoker
{
    private readonly GrainLocator _locator;
    private readonly Catalog _catalog;
    private readonly IClusterMembership _membership;
    private readonly IRemoteGrainInvoker _remote;
    private readonly TimeProvider _time;
    private readonly SiloOptions _options;
    private readonly ILogger<GrainCallInvoker> _logger;

    public GrainCallInvoker(
        GrainLocator locator,
        Catalog catalog,
        IClusterMembership membership,
        IRemoteGrainInvoker remote,
        TimeProvider time,
        IOptions<SiloOptions> options,
        ILogger<GrainCallInvoker> logger)
    {
        _locator = locator;
        _catalog = catalog;
        _membership = membership;
        _remote = remote;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Calls sent to another silo since start.</summary>
    public long ForwardedCalls => Interlocked.Read(ref _forwarded);

    private long _forwarded;

    public ValueTask<TResult> InvokeAsync<TGrain, TResult>(GrainId grainId, GrainRequest<TGrain, TResult> request, CancellationToken cancellationToken)
        where TGrain : class
    {
        var located = _locator.LocateAsync(grainId, cancellationToken);
        if (located.IsCompletedSuccessfully
            && located.Result == _membership.LocalSilo
            && _catalog.TryGetValid(grainId, out var activation))
        {
            var pending = ActivationCalls.InvokeAsync(activation, request, cancellationToken);
            if (pending.IsCompletedSuccessfully)
            {
                return pending;
            }

            return AwaitThenRetryAsync(pending, grainId, request, cancellationToken);
        }

        return InvokeWithRetryAsync(grainId, request, cancellationToken);
    }

    public async IAsyncEnumerable<TItem> InvokeStreamAsync<TGrain, TItem>(GrainId grainId, GrainStreamRequest<TGrain, TItem> request, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TGrain : class
    {
        var started = _time.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            IAsyncEnumerator<TItem>? enumerator = null;
            bool hasFirst;
            try
            {
                var target = await _locator.LocateAsync(grainId, cancellationToken).ConfigureAwait(false);
                IAsyncEnumerable<TItem> stream;
                if (target == _membership.LocalSilo)
                {
                    var activation = await _catalog.GetOrActivateAsync(grainId, cancellationToken).ConfigureAwait(false);
                    stream = ActivationCalls.InvokeStreamAsync(activation, request, cancellationToken);
                }
                else
                {
                    Interlocked.Increment(ref _forwarded);
                    stream = _remote.InvokeStreamAsync(target, grainId, request, cancellationToken);
                }

                enumerator = stream.GetAsyncEnumerator(cancellationToken);
                hasFirst = await enumerator.MoveNextAsync().ConfigureAwait(false);
            }
            catch (GrainRoutingException ex) when (ShouldRetry(ex, started, cancellationToken))
            {
                if (enumerator is not null)
                {
                    await enumerator.DisposeAsync().ConfigureAwait(false);
                }

                await BackOffAsync(grainId, request, ex, attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await using (enumerator.ConfigureAwait(false))
            {
                if (!hasFirst)
                {
                    yield break;
                }

                yield return enumerator.Current;
                while (await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    yield return enumerator.Current;
                }
            }

            yield break;
        }
    }

    private async ValueTask<TResult> AwaitThenRetryAsync<TGrain, TResult>(ValueTask<TResult> pending, GrainId grainId, GrainRequest<TGrain, TResult> request, CancellationToken cancellationToken)
        where TGrain : class
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (GrainRoutingException ex) when (!cancellationToken.IsCancellationRequested)
        {
            await BackOffAsync(grainId, request, ex, 0, cancellationToken).ConfigureAwait(false);
            return await InvokeWithRetryAsync(grainId, request, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<TResult> InvokeWithRetryAsync<TGrain, TResult>(GrainId grainId, GrainRequest<TGrain, TResult> request, CancellationToken cancellationToken)
        where TGrain : class
    {
        var started = _time.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var target = await _locator.LocateAsync(grainId, cancellationToken).ConfigureAwait(false);
                if (target == _membership.LocalSilo)
                {
                    var activation = await _catalog.GetOrActivateAsync(grainId, cancellationToken).ConfigureAwait(false);
                    return await ActivationCalls.InvokeAsync(activation, request, cancellationToken).ConfigureAwait(false);
                }

                Interlocked.Increment(ref _forwarded);
                return await _remote.InvokeAsync(target, grainId, request, cancellationToken).ConfigureAwait(false);
            }
            catch (GrainRoutingException ex) when (ShouldRetry(ex, started, cancellationToken))
            {
                await BackOffAsync(grainId, request, ex, attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private bool ShouldRetry(GrainRoutingException exception, long started, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && _time.GetElapsedTime(started) < _options.CallRetryTimeout;

    private async Task BackOffAsync(GrainId grainId, GrainRequest request, GrainRoutingException exception, int attempt, CancellationToken cancellationToken)
    {
        _locator.Invalidate(grainId, (exception as GrainRedirectException)?.Owner);
        if (exception is SiloUnavailableException unavailable)
        {
            _membership.ReportUnreachable(unavailable.Silo);
        }

        LogRetry(_logger, request.MethodName, grainId, attempt, exception.Message);
        if (attempt == 0 && exception is not (SiloUnavailableException or NoActiveSilosException))
        {
            return;
        }

        var delay = TimeSpan.FromMilliseconds(Math.Min(500, 20 << Math.Min(attempt, 5)));
        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = (int)RuntimeEventId.CallRetried, Level = LogLevel.Debug, Message = "Retrying {Method} on {GrainId} (attempt {Attempt}): {Reason}")]
    private static partial void LogRetry(ILogger logger, string method, GrainId grainId, int attempt, string reason);
}
