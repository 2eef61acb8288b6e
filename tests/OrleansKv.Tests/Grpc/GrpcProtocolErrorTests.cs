using System.Net;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OrleansKv.Grpc;

namespace OrleansKv.Tests.Grpc;

/// <summary>What the server answers to requests a well-behaved client would not send.</summary>
public sealed class GrpcProtocolErrorTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>
{
    private Uri Address => fixture.Server.Address;

    private static byte[] EchoFrame(string value) => RawGrpc.Frame(new StringValue { Value = value }.ToByteArray());

    [Fact]
    public async Task UnknownMethodOfAKnownServiceIsUnimplemented()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(
            () => fixture.Client.UnaryAsync("/test.Echo/NoSuchMethod", new StringValue(), StringValue.Parser));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        Assert.Equal("Method is unimplemented.", ex.Detail);
    }

    [Fact]
    public async Task UnknownServiceIsUnimplemented()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(
            () => fixture.Client.UnaryAsync("/other.Service/Method", new StringValue(), StringValue.Parser));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        Assert.Equal("Service is unimplemented.", ex.Detail);
    }

    [Fact]
    public async Task UnknownPathWithoutGrpcContentTypeIsLeftToOtherRoutes()
    {
        var raw = await RawGrpc.SendAsync(Address, "/other.Service/Method", [], "application/json");

        Assert.Equal(HttpStatusCode.NotFound, raw.HttpStatus);
        Assert.Null(raw.GrpcStatus);
    }

    [Fact]
    public async Task WrongContentTypeOnAKnownMethodIs415()
    {
        var raw = await RawGrpc.SendAsync(Address, EchoService.Echo, EchoFrame("x"), "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, raw.HttpStatus);
        Assert.Equal("13", raw.Headers["grpc-status"]);
        Assert.Contains("application/json", GrpcStatusMessage.Decode(raw.Headers["grpc-message"]), StringComparison.Ordinal);
        // What a gRPC client makes of it (spec table: 415 → UNKNOWN).
        Assert.Equal(StatusCode.Unknown, GrpcResponseStatus.FromHttpStatus(raw.HttpStatus));
    }

    [Fact]
    public async Task Http11RequestIsRefusedWithUpgradeRequired()
    {
        await using var server = await GrpcTestServer.StartAsync(listen: l => l.Protocols = HttpProtocols.Http1AndHttp2);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var content = new ByteArrayContent(EchoFrame("x"));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");

        using var response = await client.PostAsync(new Uri(server.Address, EchoService.Echo), content);

        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal("13", response.Headers.GetValues("grpc-status").Single());
    }

    [Fact]
    public async Task GrpcProtoContentTypeIsAccepted()
    {
        var raw = await RawGrpc.SendAsync(Address, EchoService.Echo, EchoFrame("proto"), "application/grpc+proto");

        Assert.Equal("0", raw.GrpcStatus);
        Assert.Equal(EchoFrame("proto"), raw.Body);
    }

    [Fact]
    public async Task OversizeRequestIsResourceExhausted()
    {
        var big = new StringValue { Value = new string('a', GrpcTestServer.MaxReceiveMessageSize + 1) };

        var ex = await Assert.ThrowsAsync<RpcException>(() => fixture.Client.UnaryAsync(EchoService.Echo, big, StringValue.Parser));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("exceeds the maximum", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestJustUnderTheLimitIsAccepted()
    {
        var value = new string('a', GrpcTestServer.MaxReceiveMessageSize - 10);

        var response = await fixture.Client.UnaryAsync(EchoService.Echo, new StringValue { Value = value }, StringValue.Parser);

        Assert.Equal(value.Length, response.Value.Length);
    }

    [Fact]
    public async Task MalformedProtobufIsInternal()
    {
        var raw = await RawGrpc.SendAsync(Address, EchoService.Echo, RawGrpc.Frame([0x0A, 0x05, 0x61]));

        Assert.Equal(HttpStatusCode.OK, raw.HttpStatus);
        Assert.Equal("13", raw.GrpcStatus);
        Assert.Equal("Failed to deserialize request message.", GrpcStatusMessage.Decode(raw.GrpcMessage));
    }

    [Fact]
    public async Task UnaryCallWithTwoMessagesIsInternal()
    {
        var raw = await RawGrpc.SendAsync(Address, EchoService.Echo, [.. EchoFrame("a"), .. EchoFrame("b")]);

        Assert.Equal("13", raw.GrpcStatus);
        Assert.Equal("Additional data after the message received.", GrpcStatusMessage.Decode(raw.GrpcMessage));
        Assert.Empty(raw.Body);
    }

    [Fact]
    public async Task UnaryCallWithNoMessageIsInternal()
    {
        var raw = await RawGrpc.SendAsync(Address, EchoService.Echo, []);

        Assert.Equal("13", raw.GrpcStatus);
        Assert.Equal("Incomplete message.", GrpcStatusMessage.Decode(raw.GrpcMessage));
    }

    [Fact]
    public async Task TruncatedBodyIsInternal()
    {
        var raw = await RawGrpc.SendAsync(Address, EchoService.Echo, EchoFrame("truncated")[..^3]);

        Assert.Equal("13", raw.GrpcStatus);
        Assert.Equal("Incomplete message.", GrpcStatusMessage.Decode(raw.GrpcMessage));
    }

    [Fact]
    public async Task GzipCompressedRequestIsDecompressed()
    {
        var compressed = GrpcFramingTests.Gzip(new StringValue { Value = "zipped" }.ToByteArray());

        var raw = await RawGrpc.SendAsync(Address, EchoService.Echo, RawGrpc.Frame(compressed, flag: 1), "application/grpc", ("grpc-encoding", "gzip"));

        Assert.Equal("0", raw.GrpcStatus);
        Assert.Equal(EchoFrame("zipped"), raw.Body);
        Assert.Equal("identity,gzip", raw.Headers["grpc-accept-encoding"]);
    }

    [Fact]
    public async Task CompressedRequestInAnUnsupportedEncodingIsUnimplemented()
    {
        var raw = await RawGrpc.SendAsync(Address, EchoService.Echo, RawGrpc.Frame([1, 2, 3], flag: 1), "application/grpc", ("grpc-encoding", "zstd"));

        Assert.Equal("12", raw.GrpcStatus);
        Assert.Contains("Compression not supported", GrpcStatusMessage.Decode(raw.GrpcMessage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompressedRequestWithoutEncodingHeaderIsInternal()
    {
        var raw = await RawGrpc.SendAsync(Address, EchoService.Echo, RawGrpc.Frame([1, 2, 3], flag: 1));

        Assert.Equal("13", raw.GrpcStatus);
    }

    [Fact]
    public async Task InvalidTimeoutHeaderIsIgnored()
    {
        var raw = await RawGrpc.SendAsync(
            Address, EchoService.Deadline, RawGrpc.Frame(new Empty().ToByteArray()), "application/grpc", ("grpc-timeout", "soon"));

        Assert.Equal("0", raw.GrpcStatus);
        Assert.Equal(RawGrpc.Frame(new StringValue { Value = "none" }.ToByteArray()), raw.Body);
    }
}
