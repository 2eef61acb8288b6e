namespace OrleansKv.Runtime;

/// <summary>
/// Sends grain calls to other silos and probes them. The cluster implementation speaks protobuf over
/// HTTP/2 on the silo port; a single silo has no peers.
/// </summary>
public interface IRemoteGrainInvoker
{
    /// <summary>Sends a call to <paramref name="target"/>. Throws <see cref="SiloUnavailableException"/> when the request
    /// was not delivered, a <see cref="GrainRoutingException"/> when the target redirects it, or the remote failure.</summary>
    ValueTask<TResult> InvokeAsync<TGrain, TResult>(SiloAddress target, GrainId grainId, GrainRequest<TGrain, TResult> request, CancellationToken cancellationToken)
        where TGrain : class;

    /// <summary>Sends a streaming call to <paramref name="target"/>.</summary>
    IAsyncEnumerable<TItem> InvokeStreamAsync<TGrain, TItem>(SiloAddress target, GrainId grainId, GrainStreamRequest<TGrain, TItem> request, CancellationToken cancellationToken)
        where TGrain : class;

    /// <summary>Probes <paramref name="target"/>; true when it answered as the expected incarnation within <paramref name="timeout"/>.</summary>
    Task<bool> ProbeAsync(SiloAddress target, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>The single-silo invoker: there is nobody else to call.</summary>
internal sealed class NoRemoteSilos : IRemoteGrainInvoker
{
    public ValueTask<TResult> InvokeAsync<TGrain, TResult>(SiloAddress target, GrainId grainId, GrainRequest<TGrain, TResult> request, CancellationToken cancellationToken)
        where TGrain : class =>
        ValueTask.FromException<TResult>(new SiloUnavailableException(target));

    public IAsyncEnumerable<TItem> InvokeStreamAsync<TGrain, TItem>(SiloAddress target, GrainId grainId, GrainStreamRequest<TGrain, TItem> request, CancellationToken cancellationToken)
        where TGrain : class =>
        throw new SiloUnavailableException(target);

    public Task<bool> ProbeAsync(SiloAddress target, TimeSpan timeout, CancellationToken cancellationToken) => Task.FromResult(false);
}
