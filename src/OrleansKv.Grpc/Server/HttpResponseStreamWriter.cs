using Google.Protobuf;

namespace OrleansKv.Grpc;

/// <summary>Frames each message into the response <c>BodyWriter</c> and flushes it.</summary>
internal sealed class HttpResponseStreamWriter<T> : IGrpcStreamWriter<T>
    where T : class, IMessage<T>
{
    private readonly GrpcCallContext _call;
    private readonly int? _maxMessageSize;
    private int _writing;

    public HttpResponseStreamWriter(GrpcCallContext call, int? maxMessageSize)
    {
        _call = call;
        _maxMessageSize = maxMessageSize;
    }

    public async ValueTask WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_call.IsCompleted)
        {
            throw new InvalidOperationException("The call is complete; no more messages can be written.");
        }

        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("Only one write can be pending at a time.");
        }

        try
        {
            var callToken = _call.CancellationToken;
            callToken.ThrowIfCancellationRequested();
            var writer = _call.HttpContext.Response.BodyWriter;
            GrpcFrameWriter.WriteMessage(writer, message, _maxMessageSize);
            _call.HasWrittenMessage = true;
            using var linked = cancellationToken.CanBeCanceled
                ? CancellationTokenSource.CreateLinkedTokenSource(callToken, cancellationToken)
                : null;
            var result = await writer.FlushAsync(linked?.Token ?? callToken);
            if (result.IsCanceled || result.IsCompleted)
            {
                // The transport is gone (client reset) or the flush was cancelled.
                throw new OperationCanceledException("The response stream is closed.", callToken);
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }
}
