using OrleansKv.Client;

// OrleansKv with KvClient. Run a server (TOKEN=my-secret-token dotnet run --project src/OrleansKv.Server), then:
//   KV_GRPC=http://127.0.0.1:50051 KV_TOKEN=my-secret-token dotnet run --project examples/ClientSample
await using var kv = new KvClient(new KvClientOptions
{
    Address = new Uri(Environment.GetEnvironmentVariable("KV_GRPC") ?? "http://127.0.0.1:50051"),
    Token = Environment.GetEnvironmentVariable("KV_TOKEN") ?? "my-secret-token",
    DefaultTimeout = TimeSpan.FromSeconds(5),
});

var health = await kv.HealthCheckAsync();
Console.WriteLine($"healthy={health.Healthy} silo={health.Silo}");

// Write, then update only if nobody changed the key in between (optimistic concurrency with the ETag).
var written = await kv.SetAsync("counters/visits", "1", new KvSetOptions { Ttl = TimeSpan.FromHours(1) });
var entry = await kv.GetAsync("counters/visits");
var next = int.Parse(entry.ValueAsString(), System.Globalization.CultureInfo.InvariantCulture) + 1;
await kv.SetAsync("counters/visits", next.ToString(System.Globalization.CultureInfo.InvariantCulture), new KvSetOptions { IfMatch = entry.ETag });
Console.WriteLine($"created={written.Created} visits={next}");

try
{
    await kv.SetAsync("counters/visits", "stale", new KvSetOptions { IfMatch = written.ETag });
}
catch (KvPreconditionFailedException ex)
{
    Console.WriteLine($"stale write refused: {ex.Status}");
}

// Atomic batch: both writes apply or neither does.
var batch = await kv.BatchAsync([KvBatchOperation.Put("users/1", "ada"), KvBatchOperation.Put("users/2", "grace"), KvBatchOperation.Get("users/1")]);
Console.WriteLine($"batch applied={batch.Applied}: {string.Join(", ", batch.Results.Select(r => $"{r.Key}={r.Status}"))}");

// Stream keys; stop whenever you like.
using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
await foreach (var key in kv.ListAsync(prefix: "users/", cancellationToken: cts.Token))
{
    Console.WriteLine($"{key.Key} {key.Size} bytes {key.ETag}");
}

Console.WriteLine(await kv.TryGetAsync("no/such/key") is null ? "missing key: null" : "unexpected");
