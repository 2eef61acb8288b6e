using Google.Protobuf;

namespace OrleansKv.Grpc;

/// <summary>Writes the responses of a server-streaming call. One write at a time; each write is flushed.</summary>
public interface IGrpcStreamWriter<in T>
    where T : IMessage
{
    /// <summary>Writes and flushes one message. Throws <see cref="OperationCanceledException"/> once the call is over.</summary>
    ValueTask WriteAsync(T message, CancellationToken cancellationToken = default);
}
