using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Runtime;

namespace OrleansKv.TestingHost;

/// <summary>One silo of a <see cref="TestCluster"/>: a full server (REST, gRPC, silo port) in this process.</summary>
public sealed class TestSilo
{
    internal TestSilo(WebApplication app, int index, int httpPort, int grpcPort, int siloPort)
    {
        App = app;
        Index = index;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        SiloPort = siloPort;
    }

    /// <summary>The order in which the silo was started (0 for the first).</summary>
    public int Index { get; }

    public int HttpPort { get; }

    public int GrpcPort { get; }

    public int SiloPort { get; }

    public Uri HttpAddress => new($"http://127.0.0.1:{HttpPort}");

    public Uri GrpcAddress => new($"http://127.0.0.1:{GrpcPort}");

    /// <summary>False once the silo was stopped or killed.</summary>
    public bool IsRunning { get; internal set; } = true;

    public IServiceProvider Services => App.Services;

    /// <summary>Calls grains from this silo (the local calls skip serialisation; others go over the silo port).</summary>
    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public SiloRuntimeInfo Info => Services.GetRequiredService<SiloRuntimeInfo>();

    public SiloAddress Address => Info.Silo;

    internal WebApplication App { get; }

    /// <summary>Simulates a crash: the silo's loops stop and its server drops every connection at once; nothing is
    /// flushed, deactivated or written to the membership table.</summary>
    internal async Task CrashAsync()
    {
        Services.GetRequiredService<ISiloCrashHook>().Crash();
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        try
        {
            await Services.GetRequiredService<IServer>().StopAsync(aborted.Token);
        }
        catch (OperationCanceledException)
        {
        }

        IsRunning = false;
    }

    public override string ToString() => $"silo {Index} ({Address})";
}
