using Microsoft.AspNetCore.Http;

namespace OrleansKv.Grpc;

/// <summary>
/// The server side of one call: its HTTP context, request metadata, deadline and cancellation,
/// and the response headers and trailers the handler wants to send.
/// </summary>
public sealed class GrpcCallContext
{
    private GrpcMetadata? _requestMetadata;
    private GrpcMetadata? _responseTrailers;

    internal GrpcCallContext(HttpContext httpContext, GrpcMethodInfo method, DateTime? deadline, CancellationToken cancellationToken)
    {
        HttpContext = httpContext;
        Method = method;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    public HttpContext HttpContext { get; }

    public GrpcMethodInfo Method { get; }

    /// <summary>The call's deadline (UTC) from <c>grpc-timeout</c>; null when the client set none.</summary>
    public DateTime? Deadline { get; }

    /// <summary>Cancelled when the client cancels (RST_STREAM) or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Trailers sent with the final status (also for errors).</summary>
    public GrpcMetadata ResponseTrailers => _responseTrailers ??= new();

    /// <summary>The trailers, or null when the handler never asked for them.</summary>
    internal GrpcMetadata? ResponseTrailersIfAny => _responseTrailers;

    /// <summary>Request metadata: every header but the protocol's own; <c>-bin</c> values decoded.</summary>
    public GrpcMetadata RequestMetadata => _requestMetadata ??= ReadRequestMetadata();

    internal bool IsCompleted { get; private set; }

    /// <summary>A message went into the response body (perhaps not yet flushed, so not visible as HasStarted).</summary>
    internal bool HasWrittenMessage { get; set; }

    /// <summary>A text header (repeated values joined with ','), or null.</summary>
    public string? GetHeader(string key)
    {
        var values = HttpContext.Request.Headers[key];
        return values.Count == 0 ? null : values.ToString();
    }

    /// <summary>A binary (<c>-bin</c>) header, base64-decoded; null when absent or not base64.</summary>
    public byte[]? GetBinaryHeader(string key)
    {
        var values = HttpContext.Request.Headers[key];
        if (values.Count == 0)
        {
            return null;
        }

        var first = values[0] ?? string.Empty;
        var comma = first.IndexOf(',', StringComparison.Ordinal);
        return GrpcMetadata.DecodeBinaryValue(comma < 0 ? first : first[..comma]);
    }

    /// <summary>Adds a response header; only before the first message (or the status) is sent.</summary>
    public void AddResponseHeader(string key, string value) => AddResponseHeaders(new GrpcMetadata().Add(key, value));

    /// <summary>Adds a binary (<c>-bin</c>) response header; only before the first message is sent.</summary>
    public void AddResponseHeader(string key, byte[] value) => AddResponseHeaders(new GrpcMetadata().Add(key, value));

    /// <summary>Adds response headers; only before the first message (or the status) is sent.</summary>
    public void AddResponseHeaders(GrpcMetadata headers)
    {
        if (HttpContext.Response.HasStarted || HasWrittenMessage)
        {
            throw new InvalidOperationException("Response headers can only be added before the first message is sent.");
        }

        GrpcStatusWriter.AppendMetadata(HttpContext.Response.Headers, headers);
    }

    /// <summary>Sends the response headers now, before any message.</summary>
    public Task WriteResponseHeadersAsync() => HttpContext.Response.StartAsync(CancellationToken);

    internal void Complete() => IsCompleted = true;

    private GrpcMetadata ReadRequestMetadata()
    {
        var metadata = new GrpcMetadata();
        foreach (var (key, values) in HttpContext.Request.Headers)
        {
            if (GrpcProtocol.IsReservedHeader(key))
            {
                continue;
            }

            var name = key.ToLowerInvariant();
            foreach (var value in values)
            {
                if (value is null)
                {
                    continue;
                }

                if (!GrpcMetadata.IsBinaryKey(name))
                {
                    metadata.AddUnchecked(name, value, null);
                    continue;
                }

                foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (GrpcMetadata.DecodeBinaryValue(part) is { } bytes)
                    {
                        metadata.AddUnchecked(name, null, bytes);
                    }
                }
            }
        }

        return metadata;
    }
}
