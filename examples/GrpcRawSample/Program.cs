using Google.Protobuf;
using OrleansKv.Grpc;
using OrleansKv.Protocol.V1;

// OrleansKv's gRPC API at the wire level: messages generated from protos/kvstore.proto, sent over h2c with the
// plain gRPC channel. Run a server (TOKEN=my-secret-token dotnet run --project src/OrleansKv.Server), then:
//   KV_GRPC=http://127.0.0.1:50051 KV_TOKEN=my-secret-token dotnet run --project examples/GrpcRawSample
var address = new Uri(Environment.GetEnvironmentVariable("KV_GRPC") ?? "http://127.0.0.1:50051");
var token = Environment.GetEnvironmentVariable("KV_TOKEN") ?? "my-secret-token";
const string Service = "/orleanskv.v1.KvStore/";

using var channel = new GrpcClient(address);
var auth = new GrpcMetadata().Add("authorization", "Bearer " + token);
GrpcCallOptions Call() => GrpcCallOptions.WithTimeout(TimeSpan.FromSeconds(5), auth);

var health = await channel.UnaryAsync(Service + "HealthCheck", new HealthCheckRequest(), HealthCheckResponse.Parser, GrpcCallOptions.WithTimeout(TimeSpan.FromSeconds(5)));
Console.WriteLine($"health: healthy={health.Healthy} silo={health.Silo} cluster={health.ClusterSize}");

var set = await channel.UnaryAsync(
    Service + "Set", new SetRequest { Key = "greetings/grpc", Value = ByteString.CopyFromUtf8("hello from gRPC"), TtlSeconds = 3600 }, SetResponse.Parser, Call());
Console.WriteLine($"set: etag={set.Etag} created={set.Created}");

var get = await channel.UnaryAsync(Service + "Get", new GetRequest { Key = "greetings/grpc" }, GetResponse.Parser, Call());
Console.WriteLine($"get: {get.Value.ToStringUtf8()} etag={get.Etag} expires={get.ExpiresAt?.ToDateTimeOffset()}");

await foreach (var item in channel.ServerStreamingAsync(Service + "List", new ListRequest { Prefix = "greetings/" }, ListResponse.Parser, Call()))
{
    Console.WriteLine($"list: {item.Key} ({item.Size} bytes, etag {item.Etag})");
}

try
{
    await channel.UnaryAsync(Service + "Get", new GetRequest { Key = "no/such/key" }, GetResponse.Parser, Call());
}
catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
{
    Console.WriteLine($"get missing: {ex.StatusCode} ({ex.Detail})");
}
