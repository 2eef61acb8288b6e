using OrleansKv.Grains;
using OrleansKv.Grains.Storage;
using OrleansKv.Server.Namespaces;

namespace OrleansKv.Server.Errors;

/// <summary>
/// The one place an exception becomes a <see cref="KvError"/>, for every protocol: a <see cref="KvErrorException"/>
/// carries its own; storage and cluster failures are <see cref="KvErrorCode.Unavailable"/>; anything unexpected is
/// <see cref="KvErrorCode.Internal"/> with nothing of it shown. Cancellation is no error: it is left to the caller.
/// </summary>
internal static class KvErrorClassifier
{
    /// <summary>The answer for an internal failure; the exception itself is only logged.</summary>
    public static readonly KvError InternalError = new(KvErrorCode.Internal, "An internal error occurred.");

    /// <summary>The error an exception stands for; null for cancellation.</summary>
    public static KvError? Classify(Exception exception) => exception switch
    {
        KvErrorException known => known.Error,
        OperationCanceledException => null,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } bad => new(KvErrorCode.ValueTooLarge, bad.Message),
        BadHttpRequestException bad => new(KvErrorCode.BadRequest, bad.Message),
        ArgumentException argument => new(KvErrorCode.InvalidArgument, WithoutParameterName(argument.Message)),
        NamespaceStoreException => new(KvErrorCode.Unavailable, "Storage is unavailable; the outcome of a write in flight is unknown. Retry."),
        NamespaceMovedException => new(KvErrorCode.Unavailable, "The namespace is moving between silos; nothing was applied. Retry."),
        // A call the owning silo did not answer (it died, was declared dead or timed out): whether a write ran is unknown.
        _ when NamespaceCalls.IsClusterFailure(exception) =>
            new(KvErrorCode.Unavailable, "The silo that owns the namespace did not answer; the outcome of a write in flight is unknown. Retry."),
        _ => InternalError,
    };

    private static string WithoutParameterName(string message)
    {
        var end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
