using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OrleansKv.Protocol.V1;

// OrleansKv's gRPC API with the client generated from protos/kvstore.proto over Grpc.Net.Client (no OrleansKv
// library). Run a server (TOKEN=my-secret-token dotnet run --project src/OrleansKv.Server), then:
//   KV_GRPC=http://127.0.0.1:50051 KV_TOKEN=my-secret-token dotnet run --project examples/GrpcRawSample
var address = new Uri(Environment.GetEnvironmentVariable("KV_GRPC") ?? "http://127.0.0.1:50051");
var token = Environment.GetEnvironmentVariable("KV_TOKEN") ?? "my-secret-token";

using var channel = GrpcChannel.ForAddress(address);
var client = new KvStore.KvStoreClient(channel);
var auth = new Metadata { { "authorization", "Bearer " + token } };
CallOptions Call() => new(auth, DateTime.UtcNow.AddSeconds(5));

var health = await client.HealthCheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
Console.WriteLine($"health: healthy={health.Healthy} silo={health.Silo} cluster={health.ClusterSize}");

var set = await client.SetAsync(new SetRequest { Key = "greetings/grpc", Value = ByteString.CopyFromUtf8("hello from gRPC"), TtlSeconds = 3600 }, Call());
Console.WriteLine($"set: etag={set.Etag} created={set.Created}");

var get = await client.GetAsync(new GetRequest { Key = "greetings/grpc" }, Call());
Console.WriteLine($"get: {get.Value.ToStringUtf8()} etag={get.Etag} expires={get.ExpiresAt?.ToDateTimeOffset()}");

using (var list = client.List(new ListRequest { Prefix = "greetings/" }, Call()))
{
    await foreach (var item in list.ResponseStream.ReadAllAsync())
    {
        Console.WriteLine($"list: {item.Key} ({item.Size} bytes, etag {item.Etag})");
    }
}

try
{
    await client.GetAsync(new GetRequest { Key = "no/such/key" }, Call());
}
catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
{
    Console.WriteLine($"get missing: {ex.StatusCode} ({ex.Status.Detail})");
}
