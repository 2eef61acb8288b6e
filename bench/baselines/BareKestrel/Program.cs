using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OrleansKv.Protocol.V1;

// The HTTP stack's ceiling for OrleansKv's benchmarks (bench/README.md): the same routes and bytes as
// OrleansKv's root REST contract and gRPC Get/Set, served from a ConcurrentDictionary with nothing in between
// (no grain, no store, no metrics; the bearer token is a plain string compare). gRPC is a bare Grpc.AspNetCore
// service (KvStore.KvStoreBase) with default options: the stack OrleansKv serves gRPC with, minus OrleansKv.
//   BENCH_HTTP_PORT  HTTP/1.1 port for GET/POST/DELETE /{key}   (default 3100)
//   BENCH_GRPC_PORT  h2c port for /orleanskv.v1.KvStore/Get|Set  (default 3101)
//   BENCH_TOKEN      the bearer token expected                    (default bench-token)
var httpPort = int.Parse(Environment.GetEnvironmentVariable("BENCH_HTTP_PORT") ?? "3100", System.Globalization.CultureInfo.InvariantCulture);
var grpcPort = int.Parse(Environment.GetEnvironmentVariable("BENCH_GRPC_PORT") ?? "3101", System.Globalization.CultureInfo.InvariantCulture);
var expected = "Bearer " + (Environment.GetEnvironmentVariable("BENCH_TOKEN") ?? "bench-token");

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    k.Limits.Http2.MaxStreamsPerConnection = 1000;
    k.Listen(IPAddress.Loopback, httpPort, l => l.Protocols = HttpProtocols.Http1);
    k.Listen(IPAddress.Loopback, grpcPort, l => l.Protocols = HttpProtocols.Http2);
});
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJson.Default));
var store = new Store(new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal), expected);
builder.Services.AddSingleton(store);
builder.Services.AddGrpc();
builder.Services.AddSingleton<BareKvStore>();

var app = builder.Build();

app.MapGrpcService<BareKvStore>();

// Bytes allocated since start, so run.sh can report allocations per request like it does for OrleansKv.
app.MapGet("/_bench/alloc", () => Results.Text(GC.GetTotalAllocatedBytes().ToString(System.Globalization.CultureInfo.InvariantCulture)));

app.MapGet("/{**key}", (HttpContext context, string key) =>
{
    if (!Authorized(context.Request))
    {
        return Results.Json(new Message("unauthenticated"), BaselineJson.Default.Message, statusCode: 401);
    }

    return store.Entries.TryGetValue(key, out var entry)
        ? Results.Json(new ValueResponse(entry.Text), BaselineJson.Default.ValueResponse)
        : Results.Json(new Message("not_found"), BaselineJson.Default.Message, statusCode: 404);
});

app.MapPost("/{**key}", async (HttpContext context, string key) =>
{
    if (!Authorized(context.Request))
    {
        return Results.Json(new Message("unauthenticated"), BaselineJson.Default.Message, statusCode: 401);
    }

    SetBody? body;
    try
    {
        body = await JsonSerializer.DeserializeAsync(context.Request.Body, BaselineJson.Default.SetBody, context.RequestAborted);
    }
    catch (JsonException)
    {
        body = null;
    }

    if (body?.Value is null)
    {
        return Results.Json(new Message("malformed_json"), BaselineJson.Default.Message, statusCode: 400);
    }

    store.Entries[key] = new Entry(body.Value, ByteString.CopyFromUtf8(body.Value), store.NextETag());
    return Results.Json(new Message("OK"), BaselineJson.Default.Message);
});

app.MapDelete("/{**key}", (HttpContext context, string key) =>
{
    if (!Authorized(context.Request))
    {
        return Results.Json(new Message("unauthenticated"), BaselineJson.Default.Message, statusCode: 401);
    }

    store.Entries.TryRemove(key, out _);
    return Results.Json(new Message("OK"), BaselineJson.Default.Message);
});

Console.WriteLine($"bare-kestrel: http=127.0.0.1:{httpPort} h2c=127.0.0.1:{grpcPort}");
await app.RunAsync();
return;

bool Authorized(HttpRequest request) => string.Equals(request.Headers.Authorization.ToString(), expected, StringComparison.Ordinal);

internal sealed record Entry(string Text, ByteString Bytes, string ETag);

internal sealed class Store(ConcurrentDictionary<string, Entry> entries, string expectedAuthorization)
{
    private long _revision;

    public ConcurrentDictionary<string, Entry> Entries { get; } = entries;

    public string ExpectedAuthorization { get; } = expectedAuthorization;

    public string NextETag() => $"\"{Interlocked.Increment(ref _revision)}\"";
}

/// <summary>KvStore Get and Set straight from the dictionary; the other methods stay UNIMPLEMENTED.</summary>
internal sealed class BareKvStore(Store store) : KvStore.KvStoreBase
{
    public override Task<GetResponse> Get(GetRequest request, ServerCallContext context)
    {
        Authorize(context);
        return store.Entries.TryGetValue(request.Key, out var entry)
            ? Task.FromResult(new GetResponse { Value = entry.Bytes, Etag = entry.ETag })
            : throw new RpcException(new Status(StatusCode.NotFound, "not found"));
    }

    public override Task<SetResponse> Set(SetRequest request, ServerCallContext context)
    {
        Authorize(context);
        var created = true;
        var entry = new Entry(request.Value.ToStringUtf8(), request.Value, store.NextETag());
        store.Entries.AddOrUpdate(request.Key, entry, (_, _) =>
        {
            created = false;
            return entry;
        });
        return Task.FromResult(new SetResponse { Etag = entry.ETag, Created = created });
    }

    private void Authorize(ServerCallContext context)
    {
        if (!string.Equals(context.RequestHeaders.GetValue("authorization"), store.ExpectedAuthorization, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "unauthenticated"));
        }
    }
}

internal sealed record SetBody([property: JsonPropertyName("value")] string? Value, [property: JsonPropertyName("ttl_seconds")] long? TtlSeconds);

internal sealed record ValueResponse([property: JsonPropertyName("value")] string Value);

internal sealed record Message([property: JsonPropertyName("message")] string Text);

[JsonSerializable(typeof(SetBody))]
[JsonSerializable(typeof(ValueResponse))]
[JsonSerializable(typeof(Message))]
internal sealed partial class BaselineJson : JsonSerializerContext;
