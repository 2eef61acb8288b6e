using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using OrleansKv.Grpc;
using OrleansKv.Runtime.Messaging.Protocol;

namespace OrleansKv.Runtime.Messaging;

/// <summary>Options of silo-to-silo calls.</summary>
public sealed class SiloMessagingOptions
{
    /// <summary>Longest a forwarded call may take before it fails with a timeout.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest message between silos (a value of MAX_VALUE_BYTES plus framing must fit).</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>How long connecting to another silo may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Sends grain calls and probes to other silos over HTTP/2 (one pooled client per endpoint, many concurrent
/// streams per connection). A call that could not be delivered (connection refused or reset before sending)
/// is a <see cref="SiloUnavailableException"/>, which the caller may retry elsewhere; one whose outcome is
/// unknown is not.
/// </summary>
internal sealed class GrpcRemoteGrainInvoker : IRemoteGrainInvoker, IDisposable
{
    internal const string InvokeMethod = "/orleanskv.silo.v1.Silo/Invoke";
    internal const string InvokeStreamMethod = "/orleanskv.silo.v1.Silo/InvokeStream";
    internal const string ProbeMethod = "/orleanskv.silo.v1.Silo/Probe";

    private readonly ConcurrentDictionary<string, GrpcClient> _clients = new(StringComparer.Ordinal);
    private readonly SiloMessagingOptions _options;
    private readonly SiloOptions _silo;
    private readonly Lazy<IClusterMembership> _membership;

    public GrpcRemoteGrainInvoker(IOptions<SiloMessagingOptions> options, IOptions<SiloOptions> silo, IServiceProvider services)
    {
        _options = options.Value;
        _silo = silo.Value;
        _membership = new Lazy<IClusterMembership>(() => (IClusterMembership)services.GetService(typeof(IClusterMembership))!);
    }

    public async ValueTask<TResult> InvokeAsync<TGrain, TResult>(SiloAddress target, GrainId grainId, GrainRequest<TGrain, TResult> request, CancellationToken cancellationToken)
        where TGrain : class
    {
        InvokeResponse response;
        try
        {
            response = await Client(target).UnaryAsync(InvokeMethod, Request(target, grainId, request), InvokeResponse.Parser, CallOptions(cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException ex) when (NotDelivered(ex))
        {
            throw new SiloUnavailableException(target, ex);
        }

        if (response.OutcomeCase == InvokeResponse.OutcomeOneofCase.Failure)
        {
            throw SiloFailures.ToException(response.Failure, grainId, target);
        }

        return request.ReadResult(new ReadOnlySequence<byte>(response.Result.Memory));
    }

    public async IAsyncEnumerable<TItem> InvokeStreamAsync<TGrain, TItem>(
        SiloAddress target, GrainId grainId, GrainStreamRequest<TGrain, TItem> request, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TGrain : class
    {
        var stream = Client(target).ServerStreamingAsync(InvokeStreamMethod, Request(target, grainId, request), StreamMessage.Parser, CallOptions(cancellationToken), cancellationToken);
        var enumerator = stream.GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (RpcException ex) when (NotDelivered(ex))
                {
                    throw new SiloUnavailableException(target, ex);
                }

                if (!more)
                {
                    yield break;
                }

                var message = enumerator.Current;
                if (message.OutcomeCase == StreamMessage.OutcomeOneofCase.Failure)
                {
                    throw SiloFailures.ToException(message.Failure, grainId, target);
                }

                yield return request.ReadItem(new ReadOnlySequence<byte>(message.Item.Memory));
            }
        }
    }

    public async Task<bool> ProbeAsync(SiloAddress target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var request = new ProbeRequest { TargetSilo = target.ToString(), ClusterId = _silo.ClusterId, Sender = _membership.Value.LocalSilo.ToString() };
            var response = await Client(target).UnaryAsync(ProbeMethod, request, ProbeResponse.Parser, GrpcCallOptions.WithTimeout(timeout, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return response.Silo == target.ToString();
        }
        catch (RpcException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }

    /// <summary>True when the request certainly never reached the other silo, so retrying elsewhere is safe.</summary>
    internal static bool NotDelivered(RpcException exception)
    {
        if (exception.StatusCode != StatusCode.Unavailable)
        {
            return false;
        }

        for (Exception? inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
                || inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostNotFound })
            {
                return true;
            }
        }

        // HTTP/2 REFUSED_STREAM: the server did not process the stream.
        return exception.Detail.Contains("REFUSED_STREAM", StringComparison.OrdinalIgnoreCase);
    }

    private InvokeRequest Request(SiloAddress target, GrainId grainId, GrainRequest request)
    {
        var arguments = new ArrayBufferWriter<byte>();
        request.WriteArguments(arguments);
        return new InvokeRequest
        {
            GrainType = grainId.Type,
            GrainKey = grainId.Key,
            MethodId = request.MethodId,
            Arguments = UnsafeByteOperations.UnsafeWrap(arguments.WrittenMemory),
            TargetSilo = target.ToString(),
            ClusterId = _silo.ClusterId,
        };
    }

    private GrpcCallOptions CallOptions(CancellationToken cancellationToken) =>
        GrpcCallOptions.WithTimeout(_options.CallTimeout, cancellationToken: cancellationToken);

    private GrpcClient Client(SiloAddress target) =>
        _clients.GetOrAdd(target.Endpoint, static (endpoint, options) => new GrpcClient(
            new Uri($"http://{endpoint}"),
            new GrpcClientOptions { MaxReceiveMessageSize = options.MaxMessageBytes, ConnectTimeout = options.ConnectTimeout }),
            _options);
}
