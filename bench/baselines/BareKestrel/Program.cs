using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Google.Protobuf;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OrleansKv.Grpc;
using OrleansKv.Protocol.V1;

// The HTTP stack's ceiling for OrleansKv's benchmarks (bench/README.md): the same routes and bytes as
// OrleansKv's root REST contract and gRPC Get/Set, served from a ConcurrentDictionary with nothing in between
// (no grain, no store, no metrics; the bearer token is a plain string compare).
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

var app = builder.Build();
var store = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
long revision = 0;

app.MapPost("/orleanskv.v1.KvStore/Get", async context =>
{
    if (!Authorized(context.Request))
    {
        Trailer(context, 16, "unauthenticated");
        return;
    }

    var request = await ReadMessageAsync(context.Request.BodyReader, GetRequest.Parser);
    context.Response.ContentType = "application/grpc";
    if (request is null || !store.TryGetValue(request.Key, out var entry))
    {
        Trailer(context, request is null ? 13 : 5, request is null ? "bad frame" : "not found");
        return;
    }

    GrpcFrameWriter.WriteMessage(context.Response.BodyWriter, new GetResponse { Value = entry.Bytes, Etag = entry.ETag });
    Trailer(context, 0, null);
});

app.MapPost("/orleanskv.v1.KvStore/Set", async context =>
{
    if (!Authorized(context.Request))
    {
        Trailer(context, 16, "unauthenticated");
        return;
    }

    var request = await ReadMessageAsync(context.Request.BodyReader, SetRequest.Parser);
    context.Response.ContentType = "application/grpc";
    if (request is null)
    {
        Trailer(context, 13, "bad frame");
        return;
    }

    var version = Interlocked.Increment(ref revision);
    var created = true;
    var entry = new Entry(request.Value.ToStringUtf8(), request.Value, $"\"{version}\"");
    store.AddOrUpdate(request.Key, entry, (_, _) =>
    {
        created = false;
        return entry;
    });
    GrpcFrameWriter.WriteMessage(context.Response.BodyWriter, new SetResponse { Etag = entry.ETag, Created = created });
    Trailer(context, 0, null);
});

// Bytes allocated since start, so run.sh can report allocations per request like it does for OrleansKv.
app.MapGet("/_bench/alloc", () => Results.Text(GC.GetTotalAllocatedBytes().ToString(System.Globalization.CultureInfo.InvariantCulture)));

app.MapGet("/{**key}", (HttpContext context, string key) =>
{
    if (!Authorized(context.Request))
    {
        return Results.Json(new Message("unauthenticated"), BaselineJson.Default.Message, statusCode: 401);
    }

    return store.TryGetValue(key, out var entry)
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

    var version = Interlocked.Increment(ref revision);
    store[key] = new Entry(body.Value, ByteString.CopyFromUtf8(body.Value), $"\"{version}\"");
    return Results.Json(new Message("OK"), BaselineJson.Default.Message);
});

app.MapDelete("/{**key}", (HttpContext context, string key) =>
{
    if (!Authorized(context.Request))
    {
        return Results.Json(new Message("unauthenticated"), BaselineJson.Default.Message, statusCode: 401);
    }

    store.TryRemove(key, out _);
    return Results.Json(new Message("OK"), BaselineJson.Default.Message);
});

Console.WriteLine($"bare-kestrel: http=127.0.0.1:{httpPort} h2c=127.0.0.1:{grpcPort}");
await app.RunAsync();
return;

bool Authorized(HttpRequest request) => string.Equals(request.Headers.Authorization.ToString(), expected, StringComparison.Ordinal);

static void Trailer(HttpContext context, int status, string? message)
{
    context.Response.ContentType = "application/grpc";
    context.Response.AppendTrailer("grpc-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
    if (message is not null)
    {
        context.Response.AppendTrailer("grpc-message", message);
    }
}

static async ValueTask<T?> ReadMessageAsync<T>(PipeReader reader, MessageParser<T> parser)
    where T : class, IMessage<T>
{
    while (true)
    {
        var read = await reader.ReadAsync();
        var buffer = read.Buffer;
        if (GrpcFrameReader.TryReadFrame(ref buffer, 4 * 1024 * 1024, out var frame))
        {
            var message = parser.ParseFrom(frame.Payload);
            reader.AdvanceTo(buffer.Start);
            return message;
        }

        reader.AdvanceTo(buffer.Start, buffer.End);
        if (read.IsCompleted)
        {
            return null;
        }
    }
}

internal sealed record Entry(string Text, ByteString Bytes, string ETag);

internal sealed record SetBody([property: JsonPropertyName("value")] string? Value, [property: JsonPropertyName("ttl_seconds")] long? TtlSeconds);

internal sealed record ValueResponse([property: JsonPropertyName("value")] string Value);

internal sealed record Message([property: JsonPropertyName("message")] string Text);

[JsonSerializable(typeof(SetBody))]
[JsonSerializable(typeof(ValueResponse))]
[JsonSerializable(typeof(Message))]
internal sealed partial class BaselineJson : JsonSerializerContext;
