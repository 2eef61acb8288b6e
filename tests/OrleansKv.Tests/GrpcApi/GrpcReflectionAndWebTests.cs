using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.V1;
using OrleansKv.Protocol.V1;

namespace OrleansKv.Tests.GrpcApi;

/// <summary>Server reflection (what grpcurl and Postman use) and gRPC-Web on the HTTP port.</summary>
[Collection(KvServerCollection.Name)]
public sealed class GrpcReflectionAndWebTests(KvServerFixture fixture)
{
    [Fact]
    public async Task AReflectionClientListsAndDescribesTheKvStore()
    {
        using var channel = fixture.Host.CreateChannel();
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(30));

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        Assert.True(await call.ResponseStream.MoveNext());
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "orleanskv.v1.KvStore" });
        Assert.True(await call.ResponseStream.MoveNext());
        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto;
        await call.RequestStream.CompleteAsync();

        Assert.Contains("orleanskv.v1.KvStore", services);
        Assert.Contains("grpc.health.v1.Health", services);
        var kvstore = files.Select(f => FileDescriptorProto.Parser.ParseFrom(f)).Single(f => f.Package == "orleanskv.v1");
        var service = Assert.Single(kvstore.Service, s => s.Name == "KvStore");
        Assert.Equal(["Batch", "Delete", "Get", "HealthCheck", "List", "Set"], service.Method.Select(m => m.Name).Order(StringComparer.Ordinal));
        var list = service.Method.Single(m => m.Name == "List");
        Assert.True(list.ServerStreaming);
        Assert.Equal(".orleanskv.v1.ListResponse", list.OutputType);
        var getResponse = kvstore.MessageType.Single(m => m.Name == "GetResponse");
        Assert.Equal(8, getResponse.Field.Single(f => f.Name == "refs").Number);
    }

    [Theory]
    [InlineData("application/grpc-web")]
    [InlineData("application/grpc-web+proto")]
    public async Task AGrpcWebCallOverHttp11ReachesTheKvStore(string contentType)
    {
        var key = "web/" + Guid.NewGuid().ToString("N");
        await using (var client = fixture.Client())
        {
            await client.SetAsync(key, "from grpc-web");
        }

        using var http = new HttpClient();
        using var response = await PostAsync(http, "/orleanskv.v1.KvStore/Get", contentType, new GetRequest { Key = key }, fixture.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.StartsWith("application/grpc-web", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        var (message, trailers) = ReadGrpcWeb(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("grpc-status:0", trailers, StringComparison.Ordinal);
        Assert.Equal("from grpc-web", GetResponse.Parser.ParseFrom(message).Value.ToStringUtf8());
    }

    [Fact]
    public async Task AGrpcWebCallWithoutACredentialIsUnauthenticated()
    {
        using var http = new HttpClient();
        using var response = await PostAsync(http, "/orleanskv.v1.KvStore/Get", "application/grpc-web+proto", new GetRequest { Key = "k" }, token: null);

        var status = response.Headers.TryGetValues("grpc-status", out var values) ? values.First() : ReadGrpcWeb(await response.Content.ReadAsByteArrayAsync()).Trailers;
        Assert.Contains(((int)StatusCode.Unauthenticated).ToString(System.Globalization.CultureInfo.InvariantCulture), status, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AGzipRequestGetsAGzipAnswerAndAPlainOneAPlainAnswer(bool gzip)
    {
        var key = "gz/" + Guid.NewGuid().ToString("N");
        await using (var client = fixture.Client())
        {
            await client.SetAsync(key, new string('z', 4096));
        }

        var payload = new GetRequest { Key = key }.ToByteArray();
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var zip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write(payload);
            }

            payload = compressed.ToArray();
        }

        var body = new byte[5 + payload.Length];
        body[0] = gzip ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(body, 5);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Host.GrpcAddress, "/orleanskv.v1.KvStore/Get"))
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.ParseAdd("trailers");
        request.Headers.Add("grpc-accept-encoding", "identity,gzip");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Token);
        if (gzip)
        {
            request.Headers.Add("grpc-encoding", "gzip");
        }

        using var response = await http.SendAsync(request);
        var answer = await response.Content.ReadAsByteArrayAsync();

        Assert.True(response.TrailingHeaders.TryGetValues("grpc-status", out var status), $"{response.StatusCode} {response.Headers} {response.Content.Headers}");
        Assert.Equal("0", status.Single());
        Assert.Equal(gzip ? 1 : 0, answer[0]); // the message's compressed flag
    }

    [Fact]
    public async Task ARootKeyNamedLikeAGrpcMethodStaysARestKeyWithJson()
    {
        using var http = new HttpClient { BaseAddress = fixture.Host.HttpAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Token);

        using var set = await http.PostAsync("/orleanskv.v1.KvStore/Get", new StringContent("{\"value\":\"a key, not a call\"}", Encoding.UTF8, "application/json"));
        using var get = await http.GetAsync("/orleanskv.v1.KvStore/Get");

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Contains("a key, not a call", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string contentType, IMessage message, string? token)
    {
        var payload = message.ToByteArray();
        var body = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(body, 5);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Host.HttpAddress, path))
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("x-grpc-web", "1");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http.SendAsync(request);
    }

    /// <summary>The gRPC-Web body: data frames (flag 0) then one trailer frame (flag 0x80) of HTTP/1-style header lines.</summary>
    private static (byte[] Message, string Trailers) ReadGrpcWeb(byte[] body)
    {
        var message = Array.Empty<byte>();
        var trailers = string.Empty;
        for (var offset = 0; offset + 5 <= body.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            var frame = body.AsSpan(offset + 5, length);
            if ((body[offset] & 0x80) != 0)
            {
                trailers = Encoding.ASCII.GetString(frame).Replace(" ", string.Empty, StringComparison.Ordinal);
            }
            else
            {
                message = frame.ToArray();
            }

            offset += 5 + length;
        }

        return (message, trailers);
    }
}
