using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansKv.Grpc;
using OrleansKv.Runtime.Activations;
using OrleansKv.Runtime.Messaging.Protocol;

namespace OrleansKv.Runtime.Messaging;

/// <summary>
/// The receiving side of the silo protocol: decodes a call, runs it on the local activation (activating it,
/// which registers it in the directory or redirects to the owner) and answers with the result or a failure.
/// </summary>
internal sealed partial class IncomingCallHandler
{
    private readonly Catalog _catalog;
    private readonly GrainTypeRegistry _registry;
    private readonly IClusterMembership _membership;
    private readonly SiloOptions _options;
    private readonly ILogger<IncomingCallHandler> _logger;

    public IncomingCallHandler(Catalog catalog, GrainTypeRegistry registry, IClusterMembership membership, IOptions<SiloOptions> options, ILogger<IncomingCallHandler> logger)
    {
        _catalog = catalog;
        _registry = registry;
        _membership = membership;
        _options = options.Value;
        _logger = logger;
    }

    public async ValueTask<InvokeResponse> InvokeAsync(InvokeRequest request, GrpcCallContext context)
    {
        try
        {
            var (activation, call) = await PrepareAsync(request, context.CancellationToken).ConfigureAwait(false);
            var result = await call.InvokeAndWriteAsync(activation, context.CancellationToken).ConfigureAwait(false);
            return new InvokeResponse { Result = UnsafeByteOperations.UnsafeWrap(result) };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            if (ex is not GrainRoutingException)
            {
                LogIncomingFailed(_logger, ex, request.MethodId, request.GrainType);
            }

            return new InvokeResponse { Failure = SiloFailures.ToFailure(ex) };
        }
    }

    public async Task InvokeStreamAsync(InvokeRequest request, IGrpcStreamWriter<StreamMessage> writer, GrpcCallContext context)
    {
        IAsyncEnumerable<ReadOnlyMemory<byte>> stream;
        try
        {
            var (activation, call) = await PrepareAsync(request, context.CancellationToken).ConfigureAwait(false);
            stream = call.InvokeStreamAndWrite(activation, context.CancellationToken)
                ?? throw new ArgumentException($"{call.MethodName} is not a streaming call.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            await writer.WriteAsync(new StreamMessage { Failure = SiloFailures.ToFailure(ex) }, context.CancellationToken).ConfigureAwait(false);
            return;
        }

        var any = false;
        try
        {
            await foreach (var item in stream.WithCancellation(context.CancellationToken).ConfigureAwait(false))
            {
                any = true;
                await writer.WriteAsync(new StreamMessage { Item = UnsafeByteOperations.UnsafeWrap(item) }, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!any && (ex is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested))
        {
            // Nothing was sent yet: the caller may still retry elsewhere.
            await writer.WriteAsync(new StreamMessage { Failure = SiloFailures.ToFailure(ex) }, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask<ProbeResponse> ProbeAsync(ProbeRequest request, GrpcCallContext context) =>
        ValueTask.FromResult(new ProbeResponse { Silo = _membership.LocalSilo.ToString(), Status = _membership.LocalStatus.ToString() });

    private async ValueTask<(ActivationData Activation, GrainRequest Call)> PrepareAsync(InvokeRequest request, CancellationToken cancellationToken)
    {
        if (request.TargetSilo != _membership.LocalSilo.ToString() || request.ClusterId != _options.ClusterId)
        {
            throw new WrongSiloException();
        }

        if (!_registry.TryGet(request.GrainType, out var registration))
        {
            throw new ArgumentException($"No grain type '{request.GrainType}' is registered on this silo.");
        }

        var arguments = new System.Buffers.ReadOnlySequence<byte>(request.Arguments.Memory);
        GrainRequest? call;
        var decoded = request.MethodId == ReceiveReminderRequest.Id
            ? ReceiveReminderRequest.TryRead(arguments, out call)
            : registration.Codec.TryReadRequest(request.MethodId, arguments, out call);
        if (!decoded || call is null)
        {
            throw new ArgumentException($"Method {request.MethodId} of grain type '{request.GrainType}' is unknown to this silo.");
        }

        var activation = await _catalog.GetOrActivateAsync(new GrainId(request.GrainType, request.GrainKey), cancellationToken).ConfigureAwait(false);
        return (activation, call);
    }

    [LoggerMessage(EventId = (int)RuntimeEventId.IncomingCallFailed, Level = LogLevel.Debug, Message = "Incoming call {MethodId} to a {GrainType} grain failed")]
    private static partial void LogIncomingFailed(ILogger logger, Exception exception, int methodId, string grainType);
}

/// <summary>The call was meant for another incarnation of this endpoint or another cluster.</summary>
internal sealed class WrongSiloException : GrainRoutingException
{
    public WrongSiloException()
        : base("This silo is not the incarnation the call was addressed to.")
    {
    }
}
