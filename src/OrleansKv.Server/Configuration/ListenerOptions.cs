using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace OrleansKv.Server.Configuration;

/// <summary>
/// Where the server listens: the address, the REST (HTTP/1.1) and gRPC (HTTP/2) ports and whether each is on, and the
/// ports of the TCP protocols. One class, so that the rule that no two listeners share a port is checked in one place.
/// </summary>
public sealed class ListenerOptions : IValidatableObject
{
    /// <summary>The address the public ports listen on; 0.0.0.0 in containers.</summary>
    [ConfigurationKeyName("BIND_ADDRESS")]
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>REST port.</summary>
    [ConfigurationKeyName("HTTP_PORT")]
    [SettingRange(1, 65535, ErrorMessage = "HTTP_PORT must be between {1} and {2}, not {3}.")]
    public int HttpPort { get; set; } = 3000;

    /// <summary>gRPC port (HTTP/2 cleartext).</summary>
    [ConfigurationKeyName("GRPC_PORT")]
    [SettingRange(1, 65535, ErrorMessage = "GRPC_PORT must be between {1} and {2}, not {3}.")]
    public int GrpcPort { get; set; } = 50051;

    /// <summary>Port of the plain text protocol (AUTH/SET/GET/DELETE lines); off unless set.</summary>
    [ConfigurationKeyName("TCP_PORT")]
    [SettingRange(1, 65535, ErrorMessage = "TCP_PORT must be between {1} and {2}, not {3}.")]
    public int? TcpPort { get; set; }

    /// <summary>Port of the Redis protocol (RESP2 and RESP3); off unless set.</summary>
    [ConfigurationKeyName("RESP_PORT")]
    [SettingRange(1, 65535, ErrorMessage = "RESP_PORT must be between {1} and {2}, not {3}.")]
    public int? RespPort { get; set; }

    /// <summary>Whether the REST port listens.</summary>
    [ConfigurationKeyName("ENABLE_HTTP")]
    public bool EnableHttp { get; set; } = true;

    /// <summary>Whether the gRPC port listens.</summary>
    [ConfigurationKeyName("ENABLE_GRPC")]
    public bool EnableGrpc { get; set; } = true;

    /// <summary><see cref="BindAddress"/> parsed (validated at start-up).</summary>
    public IPAddress Address => IPAddress.Parse(BindAddress);

    /// <summary>The rules across settings: at least one of REST and gRPC on, an IP address to bind, no port taken twice.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var clash in PortClashes())
        {
            yield return new ValidationResult(clash);
        }

        if (!EnableHttp && !EnableGrpc)
        {
            yield return new ValidationResult("ENABLE_HTTP and ENABLE_GRPC are both false; enable at least one.");
        }

        if (EnableHttp && EnableGrpc && HttpPort == GrpcPort)
        {
            yield return new ValidationResult($"HTTP_PORT and GRPC_PORT are both {HttpPort}; they must differ.");
        }

        if (!IPAddress.TryParse(BindAddress, out _))
        {
            yield return new ValidationResult($"BIND_ADDRESS '{BindAddress}' is not an IP address.");
        }
    }

    /// <summary>TCP_PORT and RESP_PORT against every listener before them (a port out of range is reported by its range).</summary>
    private IEnumerable<string> PortClashes()
    {
        var taken = new List<(string Setting, int Port)>();
        if (EnableHttp)
        {
            taken.Add(("HTTP_PORT", HttpPort));
        }

        if (EnableGrpc)
        {
            taken.Add(("GRPC_PORT", GrpcPort));
        }

        foreach (var (setting, port) in new[] { ("TCP_PORT", TcpPort), ("RESP_PORT", RespPort) })
        {
            if (port is not { } value || value is < 1 or > 65535)
            {
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
