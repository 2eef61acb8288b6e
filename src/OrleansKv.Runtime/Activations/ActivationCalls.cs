using System.Runtime.CompilerServices;

namespace OrleansKv.Runtime.Activations;

/// <summary>Delivers calls to a Valid activation according to each request's <see cref="TurnKind"/>.</summary>
internal static class ActivationCalls
{
    public static ValueTask<TResult> InvokeAsync<TGrain, TResult>(ActivationData activation, GrainRequest<TGrain, TResult> request, CancellationToken cancellationToken)
        where TGrain : class
    {
        if (activation.State != ActivationState.Valid)
        {
            return ValueTask.FromException<TResult>(new ActivationDeactivatedException(activation.GrainId));
        }

        var grain = (TGrain)(object)activation.Instance!;
        if (request.Kind == TurnKind.Interleave)
        {
            activation.BeginCall();
            ValueTask<TResult> pending;
            try
            {
                pending = request.InvokeAsync(grain, cancellationToken);
            }
            catch
            {
                activation.EndCall();
                throw;
            }

            if (pending.IsCompletedSuccessfully)
            {
                activation.EndCall();
                return pending;
            }

            return AwaitInterleavedAsync(activation, pending);
        }

        return InvokeInTurnAsync(activation, grain, request, cancellationToken);
    }

    public static async IAsyncEnumerable<TItem> InvokeStreamAsync<TGrain, TItem>(
        ActivationData activation,
        GrainStreamRequest<TGrain, TItem> request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where TGrain : class
    {
        if (activation.State != ActivationState.Valid)
        {
            throw new ActivationDeactivatedException(activation.GrainId);
        }

        activation.BeginCall();
        try
        {
            await foreach (var item in request.Invoke((TGrain)(object)activation.Instance!, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            activation.EndCall();
        }
    }

    private static async ValueTask<TResult> AwaitInterleavedAsync<TResult>(ActivationData activation, ValueTask<TResult> pending)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        finally
        {
            activation.EndCall();
        }
    }

    private static async ValueTask<TResult> InvokeInTurnAsync<TGrain, TResult>(ActivationData activation, TGrain grain, GrainRequest<TGrain, TResult> request, CancellationToken cancellationToken)
        where TGrain : class
    {
        activation.BeginCall();
        try
        {
            var token = await activation.Gate.EnterAsync(request.Kind == TurnKind.Exclusive, cancellationToken).ConfigureAwait(false);
            try
            {
                return await request.InvokeAsync(grain, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                activation.Gate.Exit(token);
            }
        }
        finally
        {
            activation.EndCall();
        }
    }
}
