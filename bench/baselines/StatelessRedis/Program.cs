using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using StackExchange.Redis;

// The architecture OrleansKv's root REST contract comes from (bench/README.md): a stateless ASP.NET endpoint,
// one Redis round-trip per request (GET, or SET with optional EX), nothing cached in the process.
//   BENCH_HTTP_PORT  HTTP/1.1 port for GET/POST/DELETE /{key}  (default 3200)
//   BENCH_REDIS      StackExchange.Redis configuration          (default 127.0.0.1:6379)
//   BENCH_TOKEN      the bearer token expected                  (default bench-token)
var httpPort = int.Parse(Environment.GetEnvironmentVariable("BENCH_HTTP_PORT") ?? "3200", System.Globalization.CultureInfo.InvariantCulture);
var redisConfiguration = Environment.GetEnvironmentVariable("BENCH_REDIS") ?? "127.0.0.1:6379";
var expected = "Bearer " + (Environment.GetEnvironmentVariable("BENCH_TOKEN") ?? "bench-token");

var redis = await ConnectionMultiplexer.ConnectAsync(redisConfiguration + ",abortConnect=false");
var db = redis.GetDatabase();

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    k.Listen(IPAddress.Loopback, httpPort, l => l.Protocols = HttpProtocols.Http1);
});

var app = builder.Build();

// Bytes allocated since start, so run.sh can report allocations per request like it does for OrleansKv.
app.MapGet("/_bench/alloc", () => Results.Text(GC.GetTotalAllocatedBytes().ToString(System.Globalization.CultureInfo.InvariantCulture)));

app.MapGet("/{**key}", async (HttpContext context, string key) =>
{
    if (!Authorized(context.Request))
    {
        return Results.Json(new Message("unauthenticated"), RedisBaselineJson.Default.Message, statusCode: 401);
    }

    var value = await db.StringGetAsync("kv:" + key);
    return value.IsNull
        ? Results.Json(new Message("not_found"), RedisBaselineJson.Default.Message, statusCode: 404)
        : Results.Json(new ValueResponse(value!), RedisBaselineJson.Default.ValueResponse);
});

app.MapPost("/{**key}", async (HttpContext context, string key) =>
{
    if (!Authorized(context.Request))
    {
        return Results.Json(new Message("unauthenticated"), RedisBaselineJson.Default.Message, statusCode: 401);
    }

    SetBody? body;
    try
    {
        body = await JsonSerializer.DeserializeAsync(context.Request.Body, RedisBaselineJson.Default.SetBody, context.RequestAborted);
    }
    catch (JsonException)
    {
        body = null;
    }

    if (body?.Value is null)
    {
        return Results.Json(new Message("malformed_json"), RedisBaselineJson.Default.Message, statusCode: 400);
    }

    Expiration expiry = body.TtlSeconds is { } ttl ? new Expiration(TimeSpan.FromSeconds(ttl)) : Expiration.Default;
    await db.StringSetAsync("kv:" + key, body.Value, expiry);
    return Results.Json(new Message("OK"), RedisBaselineJson.Default.Message);
});

app.MapDelete("/{**key}", async (HttpContext context, string key) =>
{
    if (!Authorized(context.Request))
    {
        return Results.Json(new Message("unauthenticated"), RedisBaselineJson.Default.Message, statusCode: 401);
    }

    await db.KeyDeleteAsync("kv:" + key);
    return Results.Json(new Message("OK"), RedisBaselineJson.Default.Message);
});

Console.WriteLine($"stateless-redis: http=127.0.0.1:{httpPort} redis={redisConfiguration}");
await app.RunAsync();
return;

bool Authorized(HttpRequest request) => string.Equals(request.Headers.Authorization.ToString(), expected, StringComparison.Ordinal);

internal sealed record SetBody([property: JsonPropertyName("value")] string? Value, [property: JsonPropertyName("ttl_seconds")] long? TtlSeconds);

internal sealed record ValueResponse([property: JsonPropertyName("value")] string Value);

internal sealed record Message([property: JsonPropertyName("message")] string Text);

[JsonSerializable(typeof(SetBody))]
[JsonSerializable(typeof(ValueResponse))]
[JsonSerializable(typeof(Message))]
internal sealed partial class RedisBaselineJson : JsonSerializerContext;
