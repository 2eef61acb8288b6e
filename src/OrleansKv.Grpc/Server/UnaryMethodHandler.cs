using Google.Protobuf;

namespace OrleansKv.Grpc;

/// <summary>Reads the single request, runs the handler, writes the single response.</summary>
internal sealed class UnaryMethodHandler<TRequest, TResponse> : GrpcMethodHandler
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly MessageParser<TRequest> _parser;
    private readonly Func<TRequest, GrpcCallContext, ValueTask<TResponse>> _handler;

    public UnaryMethodHandler(GrpcMethodInfo info, MessageParser<TRequest> parser, Func<TRequest, GrpcCallContext, ValueTask<TResponse>> handler)
        : base(info)
    {
        _parser = parser;
        _handler = handler;
    }

    protected override async Task InvokeAsync(GrpcCallContext call, GrpcServerRuntime runtime)
    {
        var request = await ReadRequestAsync(call, _parser, runtime);
        var response = await _handler(request, call);
        if (response is null)
        {
            throw new InvalidOperationException($"Handler of {Info.FullName} returned no response.");
        }

        call.CancellationToken.ThrowIfCancellationRequested();

        // No flush: the message and the trailers leave together when the response completes.
        GrpcFrameWriter.WriteMessage(call.HttpContext.Response.BodyWriter, response, runtime.Options.MaxSendMessageSize);
        call.HasWrittenMessage = true;
    }
}
