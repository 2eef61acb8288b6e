using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Protocols.Resp;
using OrleansKv.Server.Protocols.Text;

namespace OrleansKv.Server.Protocols;

/// <summary>
/// The TCP protocols as Kestrel connection handlers: the text protocol on TCP_PORT and RESP on RESP_PORT, each off
/// unless its port is set. They share Kestrel's connection limit with the HTTP ports, and its keep-alive timeout
/// as their idle timeout.
/// </summary>
internal static class ProtocolHosting
{
    public static IServiceCollection AddTcpProtocols(this IServiceCollection services)
    {
        services.AddSingleton<ConnectionIds>();
        services.AddSingleton<RespServerInfo>();
        return services;
    }

    public static void ListenTcpProtocols(this KestrelServerOptions kestrel, ListenerOptions options, IPAddress address)
    {
        if (options.TcpPort is { } tcp)
        {
            kestrel.Listen(address, tcp, l => l.UseConnectionHandler<TextConnectionHandler>());
        }

        if (options.RespPort is { } resp)
        {
            kestrel.Listen(address, resp, l => l.UseConnectionHandler<RespConnectionHandler>());
        }
    }
}

/// <summary>Connection ids for CLIENT ID and CLIENT INFO: unique in the process, increasing.</summary>
internal sealed class ConnectionIds
{
    private long _last;

    public long Next() => Interlocked.Increment(ref _last);
}
