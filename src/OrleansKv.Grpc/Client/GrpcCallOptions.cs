namespace OrleansKv.Grpc;

/// <summary>Per-call settings of a client call.</summary>
/// <param name="Headers">Request metadata (<c>authorization</c>, <c>x-...-bin</c>, ...).</param>
/// <param name="Deadline">
/// When the call must be over (UTC; local times are converted). Sent as <c>grpc-timeout</c> and enforced
/// by a client-side timer too; an already-passed deadline fails without sending anything.
/// </param>
/// <param name="CancellationToken">Cancels the call (the HTTP/2 stream is reset) with status CANCELLED.</param>
public readonly record struct GrpcCallOptions(
    GrpcMetadata? Headers = null,
    DateTime? Deadline = null,
    CancellationToken CancellationToken = default)
{
    /// <summary>Options with a deadline <paramref name="timeout"/> from now.</summary>
    public static GrpcCallOptions WithTimeout(TimeSpan timeout, GrpcMetadata? headers = null, CancellationToken cancellationToken = default) =>
        new(headers, DateTime.UtcNow + timeout, cancellationToken);
}
