using Microsoft.Extensions.Options;
using OrleansKv.Server.Configuration;

namespace OrleansKv.Server.Hosting;

/// <summary>Writes the one start-up line: mode, ports, cluster, storage and durability. Never a secret.</summary>
internal sealed partial class StartupBanner : IHostedLifecycleService
{
    private readonly ServerOptions _options;
    private readonly SiloState _silo;
    private readonly ILogger<StartupBanner> _logger;

    public StartupBanner(IOptions<ServerOptions> options, SiloState silo, ILogger<StartupBanner> logger)
    {
        _options = options.Value;
        _silo = silo;
        _logger = logger;
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return Task.CompletedTask;
        }

        var o = _options;
        var http = o.EnableHttp ? $"{o.BindAddress}:{o.HttpPort}" : "off";
        var grpc = o.EnableGrpc ? $"{o.BindAddress}:{o.GrpcPort}" : "off";
        var contents = $"contents deduplicated per namespace, zstd level {o.CompressionLevel} from {o.CompressionMinBytes} B";
        var storage = o.IsClustered
            ? $"redis {RedisUrl.Describe(o.RedisConnectionString)} wait-replicas={o.RedisWaitReplicas}, {contents}"
            : $"sqlite {Path.GetFullPath(o.DataDirectory)} durability={o.Durability.ToString().ToLowerInvariant()} ({(o.Durability == DurabilityMode.Full ? "fsync per group commit" : "survives a process crash, not a power loss")}), {contents}";
        var auth = $"tokens={CountTokens(o.Tokens)} admin={(string.IsNullOrEmpty(o.AdminToken) ? "off" : "on")} jwt={(string.IsNullOrEmpty(o.JwtSigningKey) && string.IsNullOrEmpty(o.JwtPublicKeyFile) ? "off" : "on")}";
        var mode = o.IsClustered ? "cluster" : "embedded";
        var silo = _silo.Silo.ToString();
        LogStarted(_logger, mode, http, grpc, o.ClusterId, silo, _silo.ClusterSize, storage, auth);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static int CountTokens(string? tokens) => (tokens ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information,
        Message = "OrleansKv started: mode={Mode} http={Http} grpc={Grpc} cluster={ClusterId} silo={Silo} silos={ClusterSize} storage={Storage} auth: {Auth}")]
    private static partial void LogStarted(ILogger logger, string mode, string http, string grpc, string clusterId, string silo, int clusterSize, string storage, string auth);
}
