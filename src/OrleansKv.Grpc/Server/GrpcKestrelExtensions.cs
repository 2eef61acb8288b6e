using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansKv.Grpc;

/// <summary>Kestrel endpoints for cleartext gRPC.</summary>
public static class GrpcKestrelExtensions
{
    /// <summary>
    /// Listens on <paramref name="address"/>:<paramref name="port"/> with HTTP/2 only (h2c, prior knowledge),
    /// which is what gRPC clients speak on <c>http://</c>. Port 0 picks a free port.
    /// </summary>
    public static KestrelServerOptions ListenGrpc(this KestrelServerOptions options, IPAddress address, int port, Action<ListenOptions>? configure = null)
    {
        options.Listen(address, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            configure?.Invoke(listen);
        });
        return options;
    }
}
