using System.Buffers;

namespace OrleansKv.Runtime;

/// <summary>
/// One call to a grain method, as an object: what Orleans' code generator emits as an "invokable".
/// A grain reference builds one per call; the runtime runs it against the activation, in-process
/// without serialisation, or ships it to the owning silo as <see cref="MethodId"/> plus payload.
/// </summary>
public abstract class GrainRequest
{
    /// <summary>Identifies the method within its grain interface; stable across versions.</summary>
    public abstract int MethodId { get; }

    /// <summary>How the call is scheduled against other turns of the activation.</summary>
    public virtual TurnKind Kind => TurnKind.Exclusive;

    /// <summary>Writes the arguments for a remote call.</summary>
    public abstract void WriteArguments(IBufferWriter<byte> output);

    /// <summary>A short name for logs and metrics.</summary>
    public abstract string MethodName { get; }
}

/// <summary>A request–response grain call.</summary>
/// <typeparam name="TGrain">The grain interface the call is made on.</typeparam>
/// <typeparam name="TResult">The result.</typeparam>
public abstract class GrainRequest<TGrain, TResult> : GrainRequest, IUntypedInvokable
    where TGrain : class
{
    /// <summary>Runs the call on the grain (inside a turn, as <see cref="GrainRequest.Kind"/> says).</summary>
    public abstract ValueTask<TResult> InvokeAsync(TGrain grain, CancellationToken cancellationToken);

    /// <summary>Writes a result for the reply of a remote call.</summary>
    public abstract void WriteResult(TResult result, IBufferWriter<byte> output);

    /// <summary>Reads the result of a remote call.</summary>
    public abstract TResult ReadResult(ReadOnlySequence<byte> payload);

    async ValueTask<object?> IUntypedInvokable.InvokeUntypedAsync(object grain, CancellationToken cancellationToken) =>
        await InvokeAsync((TGrain)grain, cancellationToken).ConfigureAwait(false);

    void IUntypedInvokable.WriteUntypedResult(object? result, IBufferWriter<byte> output) => WriteResult((TResult)result!, output);
}

/// <summary>A grain call whose result is a stream (<see cref="IAsyncEnumerable{T}"/>), delivered item by item.
/// Streams run interleaved: the enumeration must not depend on turn-protected grain state.</summary>
public abstract class GrainStreamRequest<TGrain, TItem> : GrainRequest
    where TGrain : class
{
    public sealed override TurnKind Kind => TurnKind.Interleave;

    /// <summary>Starts the stream on the grain.</summary>
    public abstract IAsyncEnumerable<TItem> Invoke(TGrain grain, CancellationToken cancellationToken);

    /// <summary>Writes one item of a remote stream.</summary>
    public abstract void WriteItem(TItem item, IBufferWriter<byte> output);

    /// <summary>Reads one item of a remote stream.</summary>
    public abstract TItem ReadItem(ReadOnlySequence<byte> payload);
}

/// <summary>How the silo-to-silo server runs a decoded request without knowing its types.</summary>
internal interface IUntypedInvokable
{
    ValueTask<object?> InvokeUntypedAsync(object grain, CancellationToken cancellationToken);

    void WriteUntypedResult(object? result, IBufferWriter<byte> output);
}
