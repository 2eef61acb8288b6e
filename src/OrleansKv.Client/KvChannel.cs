using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace OrleansKv.Client;

/// <summary>
/// The channel settings of a <see cref="KvClient"/>, the same whether it builds its own channel or the client factory
/// builds it: message limits, the bearer as call credentials, and retries of UNAVAILABLE on idempotent methods only.
/// </summary>
internal static class KvChannel
{
    /// <summary>
    /// Retried on UNAVAILABLE (connection refused, silo or storage down): the reads. Writes are not retried, since
    /// UNAVAILABLE leaves their outcome unknown and a second attempt could apply twice or fail its condition.
    /// </summary>
    private static readonly string[] IdempotentMethods = ["Get", "List", "HealthCheck"];

    public static void Configure(GrpcChannelOptions channel, KvClientOptions options)
    {
        channel.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
        channel.MaxSendMessageSize = options.MaxSendMessageSize;
        channel.ServiceConfig = RetryConfig();
        if (!string.IsNullOrEmpty(options.Token))
        {
            var bearer = "Bearer " + options.Token;
            var credentials = CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", bearer);
                return Task.CompletedTask;
            });
            channel.Credentials = ChannelCredentials.Create(
                options.Address.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, credentials);

            // The server listens with h2c by default; the bearer goes over the cleartext channel the user chose.
            channel.UnsafeUseInsecureChannelCallCredentials = true;
        }
    }

    public static SocketsHttpHandler CreateHandler(KvClientOptions options) => new()
    {
        ConnectTimeout = options.ConnectTimeout,
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Headers every call sends: the user agent (after Grpc.Net.Client's own).</summary>
    public static Metadata Headers(KvClientOptions options) => new() { { "user-agent", options.UserAgent } };

    private static ServiceConfig RetryConfig()
    {
        var method = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = 4,
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(1),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };
        foreach (var name in IdempotentMethods)
        {
            method.Names.Add(new MethodName { Service = "orleanskv.v1.KvStore", Method = name });
        }

        return new ServiceConfig { MethodConfigs = { method } };
    }
}
