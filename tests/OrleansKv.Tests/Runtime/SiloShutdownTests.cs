using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansKv.Runtime;
using OrleansKv.Tests.Infrastructure;

namespace OrleansKv.Tests.Runtime;

/// <summary>
/// The host can be stopped twice: WebApplicationFactory stops it while the entry point's RunAsync, woken by the
/// same ApplicationStopping, stops it as well and then disposes it.
/// </summary>
public sealed class SiloShutdownTests
{
    [Fact]
    public async Task ASecondStopWaitsForTheFirstAndTouchesNothingTheFirstCallerDisposed()
    {
        await using var silo = await TestSilo.StartAsync();
        await silo.Namespace("ns1").GetStatsAsync();
        var host = silo.Services.GetServices<IHostedService>().OfType<SiloHost>().Single();

        var first = host.StopAsync(CancellationToken.None);
        var concurrent = host.StopAsync(CancellationToken.None);
        await first;
        await concurrent;
        host.Dispose();

        await host.StopAsync(CancellationToken.None);
        await host.StoppingAsync(CancellationToken.None);
    }
}
