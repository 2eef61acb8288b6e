using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansKv.Runtime;
using OrleansKv.Runtime.Messaging;
using OrleansKv.TestingHost;
using OrleansKv.Tests.Runtime;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.Cluster;

/// <summary>
/// A bare runtime silo (no KV front end) on a real silo port, sharing a membership table and grain directory
/// object with its peers — to test the runtime's protocols (forwarding, membership, failover) on their own.
/// </summary>
internal sealed class RuntimeSilo : IAsyncDisposable
{
    private readonly TempDirectory _data;

    private RuntimeSilo(WebApplication app, int port, TempDirectory data)
    {
        App = app;
        Port = port;
        _data = data;
    }

    public WebApplication App { get; }

    public int Port { get; }

    public IGrainFactory Grains => App.Services.GetRequiredService<IGrainFactory>();

    public SiloRuntimeInfo Info => App.Services.GetRequiredService<SiloRuntimeInfo>();

    public static async Task<RuntimeSilo> StartAsync(IMembershipTable table, IGrainDirectory directory, Action<MembershipOptions>? membership = null)
    {
        var port = RedisServerProcess.FreePort();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        var data = new TempDirectory();
        builder.Services.Configure<SiloOptions>(o =>
        {
            o.ClusterId = "runtime-test";
            o.AdvertisedHost = "127.0.0.1";
            o.SiloPort = port;
            o.RebalanceDelay = TimeSpan.FromMilliseconds(200);
        });
        builder.Services.Configure<MembershipOptions>(o => membership?.Invoke(o));
        builder.Services.AddOrleansKvSilo(s =>
        {
            s.UseLocalhostClustering(Path.Combine(data.Path, "reminders.db"));
            s.Services.AddSingleton(table);
            s.Services.AddSingleton(directory);
            s.UseSiloNetworking();
            s.AddProbeGrain();
        });
        var app = builder.Build();
        app.MapOrleansKvSilo();
        await app.StartAsync();
        return new RuntimeSilo(app, port, data);
    }

    public async Task CrashAsync()
    {
        App.Services.GetRequiredService<ISiloCrashHook>().Crash();
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        try
        {
            await App.Services.GetRequiredService<IServer>().StopAsync(aborted.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        _data.Dispose();
    }
}
