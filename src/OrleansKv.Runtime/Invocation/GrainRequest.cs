using System.Buffers;
using OrleansKv.Runtime.Activations;

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

    /// <summary>Runs a call that arrived from another silo on a local activation and writes its result.</summary>
    internal abstract ValueTask<ReadOnlyMemory<byte>> InvokeAndWriteAsync(ActivationData activation, CancellationToken cancellationToken);

    /// <summary>Runs a streaming call that arrived from another silo; null for request–response calls.</summary>
    internal virtual IAsyncEnumerable<ReadOnlyMemory<byte>>? InvokeStreamAndWrite(ActivationData activation, CancellationToken cancellationToken) => null;
}

/// <summary>A request–response grain call.</summary>
/// <typeparam name="TGrain">The grain interface the call is made on.</typeparam>
/// <typeparam name="TResult">The result.</typeparam>
public abstract class GrainRequest<TGrain, TResult> : GrainRequest
    where TGrain : class
{
    /// <summary>Runs the call on the grain (inside a turn, as <see cref="GrainRequest.Kind"/> says).</summary>
    public abstract ValueTask<TResult> InvokeAsync(TGrain grain, CancellationToken cancellationToken);

    /// <summary>Writes a result for the reply of a remote call.</summary>
    public abstract void WriteResult(TResult result, IBufferWriter<byte> output);

    /// <summary>Reads the result of a remote call.</summary>
    public abstract TResult ReadResult(ReadOnlySequence<byte> payload);

    internal sealed override async ValueTask<ReadOnlyMemory<byte>> InvokeAndWriteAsync(ActivationData activation, CancellationToken cancellationToken)
    {
        var result = await ActivationCalls.InvokeAsync(activation, this, cancellationToken).ConfigureAwait(false);
        var output = new ArrayBufferWriter<byte>();
        WriteResult(result, output);
        return output.WrittenMemory;
    }
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

    internal sealed override ValueTask<ReadOnlyMemory<byte>> InvokeAndWriteAsync(ActivationData activation, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"{MethodName} is a streaming call.");

    internal sealed override async IAsyncEnumerable<ReadOnlyMemory<byte>> InvokeStreamAndWrite(
        ActivationData activation, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in ActivationCalls.InvokeStreamAsync(activation, this, cancellationToken).ConfigureAwait(false))
        {
            var output = new ArrayBufferWriter<byte>();
            WriteItem(item, output);
            yield return output.WrittenMemory;
        }
    }
}
