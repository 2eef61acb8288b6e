using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using OrleansKv.Grpc;

namespace OrleansKv.Tests.Grpc;

public sealed class GrpcUnaryTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>
{
    private GrpcClient Client => fixture.Client;

    [Fact]
    public async Task UnaryCallReturnsTheHandlersResponse()
    {
        var response = await Client.UnaryAsync(EchoService.Echo, new StringValue { Value = "hello" }, StringValue.Parser);

        Assert.Equal("hello", response.Value);
    }

    [Fact]
    public async Task EmptyRequestAndResponseMessagesRoundTrip()
    {
        var response = await Client.UnaryAsync(EchoService.Echo, new StringValue(), StringValue.Parser);

        Assert.Equal(string.Empty, response.Value);
    }

    [Fact]
    public async Task ManyConcurrentCallsShareOneClient()
    {
        var calls = Enumerable.Range(0, 200)
            .Select(i => Client.UnaryAsync(EchoService.Echo, new StringValue { Value = "n" + i }, StringValue.Parser));

        var responses = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => "n" + i), responses.Select(r => r.Value));
    }

    [Fact]
    public async Task HandlerRpcExceptionBecomesStatusMessageAndTrailers()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(
            () => Client.UnaryAsync(EchoService.Fail, new StringValue { Value = "key too long" }, Empty.Parser));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("key too long", ex.Detail);
        Assert.NotNull(ex.Trailers);
        Assert.Equal("details", ex.Trailers.GetValue("x-error-info"));
        Assert.Equal(new byte[] { 1, 2, 3 }, ex.Trailers.GetBytes("x-error-bin"));
    }

    [Theory]
    [InlineData("clé «introuvable» ✓ 100%")]
    [InlineData("line one\nline two\ttab")]
    public async Task NonAsciiStatusMessageRoundTrips(string message)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(
            () => Client.UnaryAsync(EchoService.Fail, new StringValue { Value = message }, Empty.Parser));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(message, ex.Detail);
    }

    [Fact]
    public async Task StatusMessageIsPercentEncodedOnTheWire()
    {
        var raw = await RawGrpc.SendAsync(
            fixture.Server.Address, EchoService.Fail, RawGrpc.Frame(new StringValue { Value = "é 50%" }.ToByteArray()));

        Assert.Equal("3", raw.GrpcStatus);
        Assert.Equal("%C3%A9 50%25", raw.GrpcMessage);
    }

    [Fact]
    public async Task ErrorBeforeAnyMessageIsATrailersOnlyResponse()
    {
        var raw = await RawGrpc.SendAsync(
            fixture.Server.Address, EchoService.Fail, RawGrpc.Frame(new StringValue { Value = "nope" }.ToByteArray()));

        Assert.Equal(System.Net.HttpStatusCode.OK, raw.HttpStatus);
        Assert.Equal("3", raw.Headers["grpc-status"]);
        Assert.Equal("nope", raw.Headers["grpc-message"]);
        Assert.Empty(raw.Body);
        Assert.Empty(raw.Trailers);
    }

    [Fact]
    public async Task SuccessfulCallSendsMessageThenStatusInTrailers()
    {
        var raw = await RawGrpc.SendAsync(
            fixture.Server.Address, EchoService.Echo, RawGrpc.Frame(new StringValue { Value = "hi" }.ToByteArray()));

        Assert.Equal("application/grpc", raw.Headers.GetValueOrDefault("content-type") ?? "application/grpc");
        Assert.False(raw.Headers.ContainsKey("grpc-status"));
        Assert.Equal("0", raw.Trailers["grpc-status"]);
        Assert.Equal(RawGrpc.Frame(new StringValue { Value = "hi" }.ToByteArray()), raw.Body);
    }

    [Fact]
    public async Task UnhandledExceptionIsInternalWithoutItsTextAndIsLogged()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(
            () => Client.UnaryAsync(EchoService.Throw, new StringValue(), Empty.Parser));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("Exception was thrown by handler.", ex.Detail);
        Assert.DoesNotContain(EchoService.SecretText, ex.Message, StringComparison.Ordinal);
        var logged = fixture.Server.Logs.Entries.Where(e => e.EventId.Id == 3001).ToList();
        var entry = Assert.Single(logged, e => e.Message.Contains(EchoService.Throw, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains(nameof(InvalidOperationException), entry.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(entry.Exception);
    }

    [Fact]
    public async Task MetadataRoundTripsIncludingBinaryHeaders()
    {
        byte[] data = [0, 1, 2, 250, 255];
        var headers = new GrpcMetadata()
            .Add("authorization", "Bearer t0ken")
            .Add("x-text", "hello metadata")
            .Add("x-data-bin", data);

        var result = await Client.UnaryCallAsync(EchoService.Metadata, new StringValue(), StringValue.Parser, new GrpcCallOptions(headers));

        Assert.Equal("auth=Bearer t0ken;bin-equal=True", result.Message.Value);
        Assert.Equal("hello metadata", result.Headers.GetValue("x-echo-text"));
        Assert.Equal(data, result.Headers.GetBytes("x-echo-data-bin"));
        Assert.Equal("done", result.Trailers.GetValue("x-trailer-text"));
        Assert.Equal(new byte[] { 9, 8, 7, 0, 255 }, result.Trailers.GetBytes("x-trailer-bin"));
        Assert.Null(result.Trailers.GetValue("grpc-status"));
    }
}
