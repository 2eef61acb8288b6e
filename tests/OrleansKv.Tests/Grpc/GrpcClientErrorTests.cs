using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansKv.Grpc;

namespace OrleansKv.Tests.Grpc;

/// <summary>How the client turns responses that are not gRPC, or no response at all, into statuses.</summary>
public sealed class GrpcClientErrorTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task ConnectionRefusedIsUnavailable()
    {
        using var client = new GrpcClient(new Uri($"http://127.0.0.1:{FreePort()}"));

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(EchoService.Echo, new StringValue(), StringValue.Parser));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task ResponseAboveTheClientsLimitIsResourceExhausted()
    {
        using var client = fixture.Server.CreateClient(new GrpcClientOptions { MaxReceiveMessageSize = 1000 });

        var small = await client.UnaryAsync(EchoService.Big, new Int32Value { Value = 900 }, StringValue.Parser);
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(EchoService.Big, new Int32Value { Value = 2000 }, StringValue.Parser));

        Assert.Equal(900, small.Value.Length);
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task RequestAboveTheClientsSendLimitIsNotSent()
    {
        using var client = new GrpcClient(new Uri($"http://127.0.0.1:{FreePort()}"), new GrpcClientOptions { MaxSendMessageSize = 10 });

        var ex = await Assert.ThrowsAsync<RpcException>(
            () => client.UnaryAsync(EchoService.Echo, new StringValue { Value = new string('a', 20) }, StringValue.Parser));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task CancelledTokenIsCancelled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => fixture.Client.UnaryAsync(
            EchoService.Echo, new StringValue(), StringValue.Parser, new GrpcCallOptions(CancellationToken: cts.Token)));

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
    }

    [Fact]
    public async Task CancellingAPendingUnaryCallCancelsTheHandler()
    {
        var id = "unary-cancel-" + Guid.NewGuid();
        using var cts = new CancellationTokenSource();
        var call = fixture.Client.UnaryAsync(
            EchoService.Wait, new StringValue { Value = id }, Empty.Parser, new GrpcCallOptions(CancellationToken: cts.Token));
        await fixture.Service.Signal(id + ":started").Task.WaitAsync(TimeSpan.FromSeconds(30));

        await cts.CancelAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal("aborted", await fixture.Service.Signal(id).Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(415, StatusCode.Unknown)]
    public async Task NonGrpcHttpErrorMapsPerTheSpec(int httpStatus, StatusCode expected)
    {
        await using var app = await StartPlainAppAsync(context =>
        {
            context.Response.StatusCode = httpStatus;
            return Task.CompletedTask;
        });
        using var client = new GrpcClient(AddressOf(app));

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(EchoService.Echo, new StringValue(), StringValue.Parser));

        Assert.Equal(expected, ex.StatusCode);
        Assert.Contains(httpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OkResponseThatIsNotGrpcIsUnknown()
    {
        await using var app = await StartPlainAppAsync(context =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("<html/>");
        });
        using var client = new GrpcClient(AddressOf(app));

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(EchoService.Echo, new StringValue(), StringValue.Parser));

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.Contains("content-type", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcResponseWithoutStatusIsInternal()
    {
        await using var app = await StartPlainAppAsync(async context =>
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(RawGrpc.Frame(new StringValue { Value = "x" }.ToByteArray()));
        });
        using var client = new GrpcClient(AddressOf(app));

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(EchoService.Echo, new StringValue(), StringValue.Parser));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Contains("grpc-status", ex.Detail, StringComparison.Ordinal);
    }

    private static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());

    private static async Task<WebApplication> StartPlainAppAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return app;
    }
}
