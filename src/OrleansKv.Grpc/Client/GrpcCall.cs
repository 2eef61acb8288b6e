using System.IO.Pipelines;
using System.Net;
using Google.Protobuf;

namespace OrleansKv.Grpc;

/// <summary>
/// One client call: sends the request, checks the response headers, reads messages, then the status.
/// Every failure surfaces as <see cref="RpcException"/>. Disposing before the end resets the HTTP/2 stream.
/// </summary>
internal sealed class GrpcCall<TResponse> : IDisposable
    where TResponse : class, IMessage<TResponse>
{
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(30);

    private readonly MessageParser<TResponse> _parser;
    private readonly GrpcClientOptions _clientOptions;
    private readonly CancellationToken _userToken;
    private readonly CancellationToken _enumeratorToken;
    private readonly CancellationTokenSource _cts;
    private bool _hasDeadline;
    private HttpResponseMessage? _response;
    private PipeReader? _reader;
    private GrpcReadSettings _readSettings;
    private bool _finished;

    private GrpcCall(MessageParser<TResponse> parser, GrpcClientOptions clientOptions, CancellationToken userToken, CancellationToken enumeratorToken)
    {
        _parser = parser;
        _clientOptions = clientOptions;
        _userToken = userToken;
        _enumeratorToken = enumeratorToken;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(userToken, enumeratorToken);
    }

    public GrpcMetadata ResponseHeaders { get; private set; } = new();

    public GrpcMetadata ResponseTrailers { get; private set; } = new();

    public static async Task<GrpcCall<TResponse>> StartAsync(
        HttpMessageInvoker invoker,
        Uri uri,
        IMessage request,
        MessageParser<TResponse> parser,
        GrpcClientOptions clientOptions,
        GrpcCallOptions options,
        CancellationToken enumeratorToken)
    {
        var call = new GrpcCall<TResponse>(parser, clientOptions, options.CancellationToken, enumeratorToken);
        try
        {
            await call.SendAsync(invoker, uri, request, options);
            return call;
        }
        catch
        {
            call.Dispose();
            throw;
        }
    }

    /// <summary>The next message, or null once the call ended with OK.</summary>
    public async ValueTask<TResponse?> ReadNextAsync()
    {
        if (_finished)
        {
            return null;
        }

        try
        {
            var message = await GrpcMessageReader.ReadMessageAsync(_reader!, _parser, _readSettings, _cts.Token);
            if (message is not null)
            {
                return message;
            }
        }
        catch (Exception ex) when (ex is not RpcException || _cts.IsCancellationRequested)
        {
            throw MapException(ex, "Error reading next message.");
        }

        _finished = true;
        var trailers = _response!.TrailingHeaders;
        ResponseTrailers = GrpcResponseStatus.ReadMetadata(trailers);
        if (!GrpcResponseStatus.TryGetStatus(trailers, out var code, out var detail))
        {
            throw new RpcException(StatusCode.Internal, "No grpc-status found on response.", ResponseTrailers);
        }

        return code == StatusCode.OK ? null : throw new RpcException(code, detail, ResponseTrailers);
    }

    /// <summary>Exactly one message, then an OK status (a unary call).</summary>
    public async Task<TResponse> ReadSingleAsync()
    {
        var message = await ReadNextAsync()
            ?? throw new RpcException(StatusCode.Internal, "Failed to deserialize response message. The response contained no message.");
        if (await ReadNextAsync() is not null)
        {
            throw new RpcException(StatusCode.Internal, "Additional data after the message received.");
        }

        return message;
    }

    public void Dispose()
    {
        _reader?.Complete();
        _response?.Dispose();
        _cts.Dispose();
    }

    private async Task SendAsync(HttpMessageInvoker invoker, Uri uri, IMessage request, GrpcCallOptions options)
    {
        var timeout = StartDeadline(options.Deadline);
        var size = request.CalculateSize();
        if (_clientOptions.MaxSendMessageSize is { } maxSend && size > maxSend)
        {
            GrpcFramingErrors.ThrowSendMessageTooLarge(size, maxSend);
        }

        var httpRequest = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new GrpcRequestContent(request, size),
        };
        var headers = httpRequest.Headers;
        headers.TryAddWithoutValidation("te", "trailers");
        headers.TryAddWithoutValidation("user-agent", _clientOptions.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        if (timeout is { } t)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(t));
        }

        foreach (var entry in options.Headers ?? [])
        {
            headers.TryAddWithoutValidation(entry.Key, entry.IsBinary ? GrpcMetadata.EncodeBinaryValue(entry.ValueBytes) : entry.Value);
        }

        try
        {
            _response = invoker is HttpClient client
                ? await client.SendAsync(httpRequest, HttpCompletionOption.ResponseHeadersRead, _cts.Token)
                : await invoker.SendAsync(httpRequest, _cts.Token);
            if (AcceptHeaders(_response))
            {
                var stream = await _response.Content.ReadAsStreamAsync(_cts.Token);
                _reader = PipeReader.Create(stream);
            }
        }
        catch (Exception ex) when (ex is not RpcException || _cts.IsCancellationRequested)
        {
            throw MapException(ex, "Error starting gRPC call.");
        }
    }

    /// <summary>Starts the client-side timer; an already-passed deadline fails the call before sending.</summary>
    private TimeSpan? StartDeadline(DateTime? deadline)
    {
        if (deadline is not { } value || value == DateTime.MaxValue)
        {
            return null;
        }

        var remaining = (value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value) - DateTime.UtcNow;
        if (remaining <= TimeSpan.Zero)
        {
            throw new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        if (remaining < MaxTimer)
        {
            _hasDeadline = true;
            _cts.CancelAfter(remaining);
        }

        return remaining;
    }

    /// <summary>Checks HTTP status and content type; handles Trailers-Only. True when a body follows.</summary>
    private bool AcceptHeaders(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new RpcException(
                GrpcResponseStatus.FromHttpStatus(response.StatusCode),
                $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}");
        }

        ResponseHeaders = GrpcResponseStatus.ReadMetadata(response.Headers);
        if (GrpcResponseStatus.TryGetStatus(response.Headers, out var code, out var detail))
        {
            // Trailers-Only: the headers are the trailers.
            _finished = true;
            ResponseTrailers = ResponseHeaders;
            return code == StatusCode.OK ? false : throw new RpcException(code, detail, ResponseTrailers);
        }

        var contentType = response.Content.Headers.ContentType?.ToString();
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            throw new RpcException(StatusCode.Unknown, $"Bad gRPC response. Invalid content-type value: {contentType}");
        }

        response.Headers.NonValidated.TryGetValues(GrpcProtocol.EncodingHeader, out var encoding);
        _readSettings = new GrpcReadSettings(
            _clientOptions.MaxReceiveMessageSize,
            encoding.Count == 0 ? null : encoding.ToString(),
            GrpcMessageDirection.Response);
        return true;
    }

    private RpcException MapException(Exception ex, string context)
    {
        if (_userToken.IsCancellationRequested || _enumeratorToken.IsCancellationRequested)
        {
            return new RpcException(StatusCode.Cancelled, "Call canceled by the client.", ex);
        }

        if (_cts.IsCancellationRequested)
        {
            return new RpcException(_hasDeadline ? StatusCode.DeadlineExceeded : StatusCode.Cancelled, _hasDeadline ? "Deadline Exceeded" : "Call canceled.", ex);
        }

        var protocolError = ex as HttpProtocolException ?? ex.InnerException as HttpProtocolException;
        return ex switch
        {
            RpcException rpc => rpc,
            _ when protocolError is not null => new RpcException(
                GrpcResponseStatus.FromHttp2ErrorCode(protocolError.ErrorCode), $"{context} {protocolError.GetType().Name}: {protocolError.Message}", ex),
            HttpRequestException or IOException => new RpcException(StatusCode.Unavailable, $"{context} {ex.GetType().Name}: {ex.Message}", ex),
            OperationCanceledException => new RpcException(StatusCode.Cancelled, "Call canceled.", ex),
            _ => new RpcException(StatusCode.Internal, $"{context} {ex.GetType().Name}: {ex.Message}", ex),
        };
    }
}
