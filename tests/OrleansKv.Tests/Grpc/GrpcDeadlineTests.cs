using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using OrleansKv.Grpc;

namespace OrleansKv.Tests.Grpc;

public sealed class GrpcDeadlineTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>
{
    private static readonly TimeSpan SignalTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ServerDeadlineCancelsTheHandlerAndReturnsDeadlineExceeded()
    {
        // A raw client without a timer of its own: only the server can end this call.
        var id = "server-deadline-" + Guid.NewGuid();
        var raw = await RawGrpc.SendAsync(
            fixture.Server.Address, EchoService.Wait, RawGrpc.Frame(new StringValue { Value = id }.ToByteArray()), "application/grpc", ("grpc-timeout", "200m"))
            .WaitAsync(SignalTimeout);

        Assert.Equal("4", raw.GrpcStatus);
        Assert.Equal("deadline", await fixture.Service.Signal(id).Task.WaitAsync(SignalTimeout));
    }

    [Fact]
    public async Task ServerDeadlineEndsAStreamingCall()
    {
        var id = "stream-deadline-" + Guid.NewGuid();
        var raw = await RawGrpc.SendAsync(
            fixture.Server.Address, EchoService.Infinite, RawGrpc.Frame(new StringValue { Value = id }.ToByteArray()), "application/grpc", ("grpc-timeout", "300m"))
            .WaitAsync(SignalTimeout);

        Assert.Equal("4", raw.Trailers["grpc-status"]);
        Assert.Equal(RawGrpc.Frame(new StringValue { Value = "first" }.ToByteArray()), raw.Body);
        Assert.Equal("deadline", await fixture.Service.Signal(id).Task.WaitAsync(SignalTimeout));
    }

    [Fact]
    public async Task ClientDeadlineEndsTheCallWhenTheServerIgnoresIt()
    {
        var id = "client-deadline-" + Guid.NewGuid();
        // Connect first, so the short deadline cannot expire before the request reaches the server.
        await fixture.Client.UnaryAsync(EchoService.Echo, new StringValue(), StringValue.Parser);
        var stopwatch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<RpcException>(() => fixture.Client.UnaryAsync(
            EchoService.Hang, new StringValue { Value = id }, Empty.Parser, GrpcCallOptions.WithTimeout(TimeSpan.FromMilliseconds(500)))
            .WaitAsync(SignalTimeout));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
        // The client reset the stream, which is the only thing the Hang handler listens to.
        Assert.Equal("aborted", await fixture.Service.Signal(id).Task.WaitAsync(SignalTimeout));
    }

    [Fact]
    public async Task DeadlineEndsAStreamAfterTheMessagesSentSoFar()
    {
        var id = "client-stream-deadline-" + Guid.NewGuid();
        await fixture.Client.UnaryAsync(EchoService.Echo, new StringValue(), StringValue.Parser);
        var received = new List<string>();

        var ex = await Assert.ThrowsAsync<RpcException>(() => GrpcStreamingTests.WithTimeout(async () =>
        {
            await foreach (var message in fixture.Client.ServerStreamingAsync(
                EchoService.Infinite, new StringValue { Value = id }, StringValue.Parser, GrpcCallOptions.WithTimeout(TimeSpan.FromMilliseconds(500))))
            {
                received.Add(message.Value);
            }
        }));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(["first"], received);
        await fixture.Service.Signal(id).Task.WaitAsync(SignalTimeout);
    }

    [Fact]
    public async Task DeadlineIsSentAsGrpcTimeoutAndSeenByTheHandler()
    {
        var withDeadline = await fixture.Client.UnaryAsync(
            EchoService.Deadline, new Empty(), StringValue.Parser, GrpcCallOptions.WithTimeout(TimeSpan.FromSeconds(30)));
        var without = await fixture.Client.UnaryAsync(EchoService.Deadline, new Empty(), StringValue.Parser);

        Assert.InRange(double.Parse(withDeadline.Value, CultureInfo.InvariantCulture), 20_000, 30_001);
        Assert.Equal("none", without.Value);
    }

    [Fact]
    public async Task PassedDeadlineFailsWithoutSending()
    {
        // Nothing listens on this port: a call that tried to connect would be UNAVAILABLE.
        using var client = new GrpcClient(new Uri($"http://127.0.0.1:{GrpcClientErrorTests.FreePort()}"));

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(
            EchoService.Echo, new StringValue(), StringValue.Parser, new GrpcCallOptions(Deadline: DateTime.UtcNow.AddSeconds(-1))));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }
}
