using OrleansKv.Server.Configuration;

namespace OrleansKv.Server.Protocols;

/// <summary>Checks of TCP_PORT and RESP_PORT: in range, and not a port another listener of the server takes.</summary>
internal static class ProtocolPorts
{
    public static IEnumerable<string> Problems(ServerOptions options)
    {
        var taken = new List<(string Setting, int Port)>();
        if (options.EnableHttp)
        {
            taken.Add(("HTTP_PORT", options.HttpPort));
        }

        if (options.EnableGrpc)
        {
            taken.Add(("GRPC_PORT", options.GrpcPort));
        }

        foreach (var (setting, port) in new[] { ("TCP_PORT", options.TcpPort), ("RESP_PORT", options.RespPort) })
        {
            if (port is not { } value)
            {
                continue;
            }

            if (value is < 1 or > 65535)
            {
                yield return $"{setting} must be between 1 and 65535, not {value}.";
                continue;
            }

            foreach (var (other, otherPort) in taken)
            {
                if (otherPort == value)
                {
                    yield return $"{setting} and {other} are both {value}; they must differ.";
                }
            }

            taken.Add((setting, value));
        }
    }
}
