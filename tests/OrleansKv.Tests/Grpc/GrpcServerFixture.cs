using OrleansKv.Grpc;

namespace OrleansKv.Tests.Grpc;

/// <summary>One <see cref="GrpcTestServer"/> and one client shared by the tests of a class.</summary>
public sealed class GrpcServerFixture : IAsyncLifetime
{
    private GrpcTestServer? _server;
    private GrpcClient? _client;

    internal GrpcTestServer Server => _server ?? throw new InvalidOperationException("Not started.");

    internal GrpcClient Client => _client ?? throw new InvalidOperationException("Not started.");

    internal EchoService Service => Server.Service;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync();
        _client = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
