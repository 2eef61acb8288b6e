using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace OrleansKv.Grpc;

/// <summary>
/// A gRPC channel over <see cref="HttpClient"/>: HTTP/2 with prior knowledge on <c>http://</c> (h2c), TLS
/// with ALPN on <c>https://</c>. Thread-safe; keep one per server address. Every failure is an
/// <see cref="RpcException"/>: non-OK statuses from the server, HTTP errors per the gRPC spec's table,
/// connection failures as UNAVAILABLE, the deadline as DEADLINE_EXCEEDED, cancellation as CANCELLED.
/// </summary>
public sealed class GrpcClient : IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly bool _disposeInvoker;

    /// <summary>A client with its own connection pool (see <see cref="CreateHttpHandler"/>).</summary>
    public GrpcClient(Uri address, GrpcClientOptions? options = null)
        : this(new HttpMessageInvoker(CreateHttpHandler(options ??= new GrpcClientOptions())), address, options, disposeInvoker: true)
    {
    }

    /// <summary>A client over an existing handler or <see cref="HttpClient"/> (tests, shared pools).</summary>
    /// <param name="invoker">Sends the requests; an <see cref="HttpClient"/> is used with ResponseHeadersRead.</param>
    /// <param name="address">The server, e.g. <c>http://10.0.0.5:50051</c>.</param>
    /// <param name="options">Limits; defaults when null.</param>
    /// <param name="disposeInvoker">Whether <see cref="Dispose"/> disposes <paramref name="invoker"/> (false when shared).</param>
    /// <remarks>
    /// An <see cref="HttpClient"/> keeps its own <see cref="HttpClient.Timeout"/> (100 s by default) on top of call
    /// deadlines; set it to <see cref="Timeout.InfiniteTimeSpan"/> for long streams. Requests are sent as HTTP/2 only.
    /// </remarks>
    public GrpcClient(HttpMessageInvoker invoker, Uri address, GrpcClientOptions? options = null, bool disposeInvoker = false)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(address);
        _invoker = invoker;
        _disposeInvoker = disposeInvoker;
        Address = address;
        Options = options ?? new GrpcClientOptions();
    }

    public Uri Address { get; }

    public GrpcClientOptions Options { get; }

    /// <summary>The handler the address-only constructor uses: HTTP/2 keep-alive pings, no proxy, no redirects or cookies.</summary>
    public static SocketsHttpHandler CreateHttpHandler(GrpcClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = options.EnableMultipleHttp2Connections,
            PooledConnectionIdleTimeout = options.PooledConnectionIdleTimeout,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectTimeout = options.ConnectTimeout,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
    }

    /// <summary>Calls a unary method and returns its response.</summary>
    /// <param name="method">The path, <c>/package.Service/Method</c>.</param>
    /// <param name="request">The request message.</param>
    /// <param name="parser">Parser of the response message.</param>
    /// <param name="options">Metadata, deadline, cancellation.</param>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        string method, TRequest request, MessageParser<TResponse> parser, GrpcCallOptions options = default)
        where TRequest : IMessage
        where TResponse : class, IMessage<TResponse>
    {
        using var call = await StartAsync(method, request, parser, options, CancellationToken.None);
        return await call.ReadSingleAsync();
    }

    /// <summary>Calls a unary method and returns its response with the response headers and trailers.</summary>
    public async Task<GrpcUnaryResult<TResponse>> UnaryCallAsync<TRequest, TResponse>(
        string method, TRequest request, MessageParser<TResponse> parser, GrpcCallOptions options = default)
        where TRequest : IMessage
        where TResponse : class, IMessage<TResponse>
    {
        using var call = await StartAsync(method, request, parser, options, CancellationToken.None);
        var message = await call.ReadSingleAsync();
        return new GrpcUnaryResult<TResponse>(message, call.ResponseHeaders, call.ResponseTrailers);
    }

    /// <summary>
    /// Calls a server-streaming method. The call starts on the first <c>MoveNextAsync</c>. Cancelling either
    /// token, or disposing the enumerator early (<c>break</c>), resets the HTTP/2 stream, which cancels the
    /// server handler.
    /// </summary>
    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(
        string method,
        TRequest request,
        MessageParser<TResponse> parser,
        GrpcCallOptions options = default,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TRequest : IMessage
        where TResponse : class, IMessage<TResponse>
    {
        using var call = await StartAsync(method, request, parser, options, cancellationToken);
        while (await call.ReadNextAsync() is { } message)
        {
            yield return message;
        }
    }

    public void Dispose()
    {
        if (_disposeInvoker)
        {
            _invoker.Dispose();
        }
    }

    private Task<GrpcCall<TResponse>> StartAsync<TResponse>(
        string method, IMessage request, MessageParser<TResponse> parser, GrpcCallOptions options, CancellationToken enumeratorToken)
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(parser);
        return GrpcCall<TResponse>.StartAsync(_invoker, new Uri(Address, method), request, parser, Options, options, enumeratorToken);
    }
}
