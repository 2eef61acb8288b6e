using Google.Protobuf.WellKnownTypes;
using OrleansKv.Grpc;

namespace OrleansKv.Tests.Grpc;

public sealed class GrpcStreamingTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>
{
    private static readonly TimeSpan SignalTimeout = TimeSpan.FromSeconds(30);

    private GrpcClient Client => fixture.Client;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task ServerStreamingDeliversEveryMessageInOrder(int count)
    {
        var received = new List<string>();
        await foreach (var message in Client.ServerStreamingAsync(EchoService.Repeat, new Int32Value { Value = count }, StringValue.Parser))
        {
            received.Add(message.Value);
        }

        Assert.Equal(Enumerable.Range(0, count).Select(i => "item-" + i), received);
    }

    [Fact]
    public async Task ErrorAfterMessagesArrivesAfterThoseMessages()
    {
        var received = new List<string>();
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var message in Client.ServerStreamingAsync(EchoService.RepeatThenFail, new Int32Value { Value = 3 }, StringValue.Parser))
            {
                received.Add(message.Value);
            }
        });

        Assert.Equal(["item-0", "item-1", "item-2"], received);
        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.Equal("stopped after 3", ex.Detail);
    }

    [Fact]
    public async Task CancellingMidStreamCancelsTheServerHandler()
    {
        var id = "cancel-" + Guid.NewGuid();
        using var cts = new CancellationTokenSource();
        var received = new List<string>();

        var ex = await Assert.ThrowsAsync<RpcException>(() => WithTimeout(async () =>
        {
            await foreach (var message in Client.ServerStreamingAsync(
                EchoService.Infinite, new StringValue { Value = id }, StringValue.Parser, new GrpcCallOptions(CancellationToken: cts.Token)))
            {
                received.Add(message.Value);
                await cts.CancelAsync();
            }
        }));

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal(["first"], received);
        Assert.Equal("aborted", await fixture.Service.Signal(id).Task.WaitAsync(SignalTimeout));
    }

    [Fact]
    public async Task EnumeratorCancellationTokenAlsoCancelsTheCall()
    {
        var id = "enum-cancel-" + Guid.NewGuid();
        using var cts = new CancellationTokenSource();

        var ex = await Assert.ThrowsAsync<RpcException>(() => WithTimeout(async () =>
        {
            await foreach (var message in Client.ServerStreamingAsync(EchoService.Infinite, new StringValue { Value = id }, StringValue.Parser)
                .WithCancellation(cts.Token))
            {
                await cts.CancelAsync();
            }
        }));

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal("aborted", await fixture.Service.Signal(id).Task.WaitAsync(SignalTimeout));
    }

    [Fact]
    public async Task LeavingTheLoopEarlyResetsTheStreamAndStopsTheHandler()
    {
        var id = "break-" + Guid.NewGuid();

        await foreach (var message in Client.ServerStreamingAsync(EchoService.Infinite, new StringValue { Value = id }, StringValue.Parser))
        {
            Assert.Equal("first", message.Value);
            break;
        }

        Assert.Equal("aborted", await fixture.Service.Signal(id).Task.WaitAsync(SignalTimeout));
    }

    /// <summary>A call that fails to stop fails the test (TimeoutException) instead of hanging it.</summary>
    internal static Task WithTimeout(Func<Task> action) => action().WaitAsync(SignalTimeout);
}
