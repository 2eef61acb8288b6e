namespace OrleansKv.Runtime;

/// <summary>Hands out references to grains; the grain is activated on first call, wherever placement puts it.</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the grain of interface <typeparamref name="TGrainInterface"/> with key <paramref name="key"/>.</summary>
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;
}

/// <summary>Sends grain calls: routes a request to the grain's activation, here or on the owning silo.</summary>
public interface IGrainCallInvoker
{
    /// <summary>Invokes a request–response call, retrying transparently while the grain moves between silos.</summary>
    ValueTask<TResult> InvokeAsync<TGrain, TResult>(GrainId grainId, GrainRequest<TGrain, TResult> request, CancellationToken cancellationToken)
        where TGrain : class;

    /// <summary>Invokes a streaming call.</summary>
    IAsyncEnumerable<TItem> InvokeStreamAsync<TGrain, TItem>(GrainId grainId, GrainStreamRequest<TGrain, TItem> request, CancellationToken cancellationToken)
        where TGrain : class;
}

/// <summary>Base class of grain references (what Orleans' code generator emits, written by hand here).</summary>
public abstract class GrainReference
{
    protected GrainReference(GrainId grainId, IGrainCallInvoker invoker)
    {
        GrainId = grainId;
        Invoker = invoker;
    }

    /// <summary>The grain this reference points at.</summary>
    public GrainId GrainId { get; }

    /// <summary>Sends the calls.</summary>
    protected IGrainCallInvoker Invoker { get; }

    public override string ToString() => GrainId.ToString();
}
