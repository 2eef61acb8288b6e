using Google.Protobuf;

namespace OrleansKv.Grpc;

/// <summary>Reads the single request, then lets the handler write any number of responses.</summary>
internal sealed class ServerStreamingMethodHandler<TRequest, TResponse> : GrpcMethodHandler
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly MessageParser<TRequest> _parser;
    private readonly Func<TRequest, IGrpcStreamWriter<TResponse>, GrpcCallContext, Task> _handler;

    public ServerStreamingMethodHandler(
        GrpcMethodInfo info, MessageParser<TRequest> parser, Func<TRequest, IGrpcStreamWriter<TResponse>, GrpcCallContext, Task> handler)
        : base(info)
    {
        _parser = parser;
        _handler = handler;
    }

    protected override async Task InvokeAsync(GrpcCallContext call, GrpcServerRuntime runtime)
    {
        var request = await ReadRequestAsync(call, _parser, runtime);
        var writer = new HttpResponseStreamWriter<TResponse>(call, runtime.Options.MaxSendMessageSize);
        await _handler(request, writer, call);
    }
}
