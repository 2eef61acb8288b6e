using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OrleansKv.Protocol.V1;

namespace OrleansKv.Client;

/// <summary>
/// The .NET client of OrleansKv's gRPC API (<c>orleanskv.v1.KvStore</c>). Thread-safe; keep one per server (it pools
/// HTTP/2 connections); with dependency injection, use <see cref="KvClientServiceCollectionExtensions.AddOrleansKvClient"/>. Every method takes an optional per-call <c>timeout</c> (the gRPC deadline, sent to the
/// server) and a <see cref="CancellationToken"/>. Failures are <see cref="KvException"/> subclasses.
/// </summary>
public sealed partial class KvClient : IAsyncDisposable, IDisposable
{
    private readonly KvStore.KvStoreClient _client;
    private readonly GrpcChannel? _ownedChannel;
    private readonly Metadata _headers;
    private readonly TimeSpan? _defaultTimeout;

    public KvClient(KvClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Address);
        if (options.Address.Scheme != Uri.UriSchemeHttp && options.Address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Address must be http:// or https://, not '{options.Address}'.", nameof(options));
        }

        var channel = new GrpcChannelOptions { HttpHandler = KvChannel.CreateHandler(options) };
        KvChannel.Configure(channel, options);
        _ownedChannel = GrpcChannel.ForAddress(options.Address, channel);
        _client = new KvStore.KvStoreClient(_ownedChannel);
        _headers = KvChannel.Headers(options);
        _defaultTimeout = options.DefaultTimeout;
    }

    /// <summary>A client for <paramref name="address"/> (e.g. <c>http://127.0.0.1:50051</c>) with a bearer token.</summary>
    public KvClient(Uri address, string? token = null)
        : this(new KvClientOptions { Address = address, Token = token })
    {
    }

    /// <summary>A client over a generated client whose channel someone else owns (the client factory).</summary>
    internal KvClient(KvStore.KvStoreClient client, KvClientOptions options)
    {
        _client = client;
        _headers = KvChannel.Headers(options);
        _defaultTimeout = options.DefaultTimeout;
    }

    /// <summary>Reads a key. Throws <see cref="KvNotFoundException"/> when it is absent or expired.</summary>
    public async Task<KvEntry> GetAsync(string key, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var response = await UnaryAsync(static (c, r, o) => c.GetAsync(r, o), new GetRequest { Key = key }, timeout, cancellationToken);
        return new KvEntry(
            key,
            response.Value.Memory,
            response.Etag,
            response.ContentType.Length == 0 ? null : response.ContentType,
            response.CreatedAt?.ToDateTimeOffset() ?? default,
            response.UpdatedAt?.ToDateTimeOffset() ?? default,
            response.ExpiresAt?.ToDateTimeOffset());
    }

    /// <summary>Reads a key; null when it is absent or expired.</summary>
    public async Task<KvEntry?> TryGetAsync(string key, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync(key, timeout, cancellationToken);
        }
        catch (KvNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes a key. Throws <see cref="KvPreconditionFailedException"/> when a condition of <paramref name="options"/> fails.</summary>
    public Task<KvWriteResult> SetAsync(string key, ReadOnlyMemory<byte> value, KvSetOptions? options = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var request = new SetRequest { Key = key, Value = ByteString.CopyFrom(value.Span), IfNoneMatch = options?.IfNoneMatch ?? false };
        if (options?.Ttl is { } ttl)
        {
            request.TtlSeconds = TtlSeconds(ttl);
        }

        if (options?.IfMatch is { } ifMatch)
        {
            request.IfMatch = ifMatch;
        }

        if (options?.ContentType is { } contentType)
        {
            request.ContentType = contentType;
        }

        return SetCoreAsync(request, timeout, cancellationToken);
    }

    /// <summary>Writes a key with a UTF-8 text value.</summary>
    public Task<KvWriteResult> SetAsync(string key, string value, KvSetOptions? options = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SetAsync(key, Encoding.UTF8.GetBytes(value), options, timeout, cancellationToken);
    }

    /// <summary>
    /// Deletes a key: true when it was removed, false when it did not exist. With <paramref name="ifMatch"/>, only at that
    /// ETag (else <see cref="KvPreconditionFailedException"/>, also when the key is absent).
    /// </summary>
    public async Task<bool> DeleteAsync(string key, string? ifMatch = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var request = new DeleteRequest { Key = key };
        if (ifMatch is not null)
        {
            request.IfMatch = ifMatch;
        }

        var response = await UnaryAsync(static (c, r, o) => c.DeleteAsync(r, o), request, timeout, cancellationToken);
        return response.Deleted;
    }

    /// <summary>The health of the silo that answers; needs no credential.</summary>
    public async Task<KvHealth> HealthCheckAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var response = await UnaryAsync(static (c, r, o) => c.HealthCheckAsync(r, o), new HealthCheckRequest(), timeout, cancellationToken);
        return new KvHealth(response.Healthy, response.Silo, response.ClusterSize);
    }

    public void Dispose() => _ownedChannel?.Dispose();

    public ValueTask DisposeAsync()
    {
        _ownedChannel?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<KvWriteResult> SetCoreAsync(SetRequest request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var response = await UnaryAsync(static (c, r, o) => c.SetAsync(r, o), request, timeout, cancellationToken);
        return new KvWriteResult(response.Etag, response.Created);
    }

    private async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        Func<KvStore.KvStoreClient, TRequest, CallOptions, AsyncUnaryCall<TResponse>> method, TRequest request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await method(_client, request, CallOptions(timeout ?? _defaultTimeout, cancellationToken));
        }
        catch (RpcException ex)
        {
            throw KvErrors.Translate(ex, cancellationToken);
        }
    }

    private CallOptions CallOptions(TimeSpan? timeout, CancellationToken cancellationToken) =>
        new(_headers, timeout is { } t ? DateTime.UtcNow + t : null, cancellationToken);

    private static long TtlSeconds(TimeSpan ttl) => (long)Math.Ceiling(ttl.TotalSeconds);
}
