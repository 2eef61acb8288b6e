using Microsoft.Extensions.Options;
using OrleansKv.Server.Configuration;

namespace OrleansKv.Server.Hosting;

/// <summary>Writes the one start-up line: mode, ports, cluster, storage and durability. Never a secret.</summary>
internal sealed partial class StartupBanner : IHostedLifecycleService
{
    private readonly ListenerOptions _listeners;
    private readonly ClusteringOptions _clustering;
    private readonly StorageOptions _storage;
    private readonly AuthOptions _auth;
    private readonly SiloState _silo;
    private readonly ILogger<StartupBanner> _logger;

    public StartupBanner(
        IOptions<ListenerOptions> listeners,
        IOptions<ClusteringOptions> clustering,
        IOptions<StorageOptions> storage,
        IOptions<AuthOptions> auth,
        SiloState silo,
        ILogger<StartupBanner> logger)
    {
        _listeners = listeners.Value;
        _clustering = clustering.Value;
        _storage = storage.Value;
        _auth = auth.Value;
        _silo = silo;
        _logger = logger;
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return Task.CompletedTask;
        }

        var (l, c, s, a) = (_listeners, _clustering, _storage, _auth);
        var http = l.EnableHttp ? $"{l.BindAddress}:{l.HttpPort}" : "off";
        var grpc = l.EnableGrpc ? $"{l.BindAddress}:{l.GrpcPort}" : "off";
        var contents = $"contents deduplicated per namespace, zstd level {s.CompressionLevel} from {s.CompressionMinBytes} B";
        var storage = c.IsClustered
            ? $"redis {RedisUrl.Describe(c.RedisConnectionString)} wait-replicas={c.RedisWaitReplicas}, {contents}"
            : $"sqlite {Path.GetFullPath(s.DataDirectory)} durability={s.Durability.ToString().ToLowerInvariant()} ({(s.Durability == DurabilityMode.Full ? "fsync per group commit" : "survives a process crash, not a power loss")}), {contents}";
        var auth = $"tokens={CountTokens(a.Tokens)} admin={(string.IsNullOrEmpty(a.AdminToken) ? "off" : "on")} jwt={(string.IsNullOrEmpty(a.JwtSigningKey) && string.IsNullOrEmpty(a.JwtPublicKeyFile) ? "off" : "on")}";
        var mode = c.IsClustered ? "cluster" : "embedded";
        var silo = _silo.Silo.ToString();
        LogStarted(_logger, mode, http, grpc, c.ClusterId, silo, _silo.ClusterSize, storage, auth);
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
