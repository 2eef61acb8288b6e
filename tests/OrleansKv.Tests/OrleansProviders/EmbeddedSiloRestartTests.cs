using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;
using OrleansKv.Providers.Sqlite;
using OrleansKv.Tests.Infrastructure;
using OrleansKv.Tests.Storage;

namespace OrleansKv.Tests.OrleansProviders;

/// <summary>
/// A real single Orleans silo (localhost clustering, free ports) with the SQLite reminder service and default grain
/// storage: stopped and started again on the same files, it still has the grain's state and still fires its reminder.
/// </summary>
public sealed class EmbeddedSiloRestartTests : IDisposable
{
    private static readonly TimeSpan TickTimeout = TimeSpan.FromSeconds(45);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task GrainStateAndRemindersSurviveASiloRestartOnTheSameFiles()
    {
        // Not created yet: the providers create their directory.
        var dataDirectory = Path.Combine(_directory.Path, "data");
        int ticksBeforeRestart;

        var firstTicks = new ReminderTicks();
        var firstLogs = new CapturedLogs();
        using (var host = await StartSiloAsync(dataDirectory, firstTicks, firstLogs))
        {
            var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IReminderProbeGrain>("probe");
            await grain.ArmAsync("armed before the restart", TimeSpan.FromSeconds(1));

            Assert.True(await firstTicks.NextAsync("probe", TickTimeout) >= 1);
            Assert.Contains(firstLogs.Warnings, message => message.Contains(nameof(ReminderOptions.MinimumReminderPeriod), StringComparison.Ordinal));
            await host.StopAsync();
            ticksBeforeRestart = firstTicks.Last;
        }

        Assert.True(File.Exists(Path.Combine(dataDirectory, "reminders.db")));
        Assert.True(File.Exists(Path.Combine(dataDirectory, "grain-state.db")));

        var secondTicks = new ReminderTicks();
        using (var host = await StartSiloAsync(dataDirectory, secondTicks, new CapturedLogs()))
        {
            // Nothing calls the grain: the reminder, read back from the table, activates it.
            var firstTickAfterRestart = await secondTicks.NextAsync("probe", TickTimeout);
            Assert.True(firstTickAfterRestart > ticksBeforeRestart, $"tick {firstTickAfterRestart} after the restart should continue from {ticksBeforeRestart}");

            var state = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IReminderProbeGrain>("probe").ReadAsync();
            Assert.Equal("armed before the restart", state.Note);
            Assert.True(state.Ticks >= firstTickAfterRestart);
            await host.StopAsync();
        }
    }

    private static async Task<IHost> StartSiloAsync(string dataDirectory, ReminderTicks ticks, CapturedLogs logs)
    {
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging =>
            {
                logging.ClearProviders();
                logging.SetMinimumLevel(LogLevel.Warning);
                logging.AddProvider(logs);
            })
            .UseOrleans(silo => silo
                .UseLocalhostClustering(siloPort: RedisServerProcess.FreePort(), gatewayPort: RedisServerProcess.FreePort())
                .UseSqliteReminderService(options => options.DatabasePath = Path.Combine(dataDirectory, "reminders.db"))
                .AddSqliteGrainStorageAsDefault(Path.Combine(dataDirectory, "grain-state.db"))
                .Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1))
                .ConfigureServices(services => services.AddSingleton(ticks)))
            .Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Keeps the messages of warnings and errors a host logs.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _warnings = new();

        public IEnumerable<string> Warnings => _warnings;

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLogs owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    owner._warnings.Enqueue(formatter(state, exception));
                }
            }
        }
    }
}
