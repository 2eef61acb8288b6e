using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansKv.Runtime;
using OrleansKv.Runtime.Redis;
using StackExchange.Redis;

namespace OrleansKv.Tests.Providers;

/// <summary><c>UseRedisClustering</c>: what it registers, who owns the connection, and how bad options fail.</summary>
public sealed class RedisClusteringHostingTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public void TheRedisProvidersReplaceTheSingleSiloOnesAndShareOneConnection()
    {
        using var host = BuildHost(silo => silo.UseRedisClustering("127.0.0.1:1,abortConnect=false"));
        var services = host.Services;

        var membership = Assert.IsType<RedisMembershipTable>(services.GetRequiredService<IMembershipTable>());
        var directory = Assert.IsType<RedisGrainDirectory>(services.GetRequiredService<IGrainDirectory>());
        var reminders = Assert.IsType<RedisReminderTable>(services.GetRequiredService<IReminderTable>());

        Assert.Same(membership, services.GetRequiredService<RedisMembershipTable>());
        Assert.Same(directory, services.GetRequiredService<RedisGrainDirectory>());
        Assert.Same(reminders, services.GetRequiredService<RedisReminderTable>());
        Assert.Single(services.GetServices<IMembershipTable>());
        Assert.Single(services.GetServices<IReminderTable>());
        Assert.Equal("okv:{unit-cluster}:members", (string?)services.GetRequiredService<RedisKeys>().Members);
    }

    [Fact]
    public void TheDelegateOverloadConfiguresEveryOption()
    {
        using var host = BuildHost(silo => silo.UseRedisClustering(o =>
        {
            o.ConfigurationString = "127.0.0.1:1";
            o.KeyPrefix = "kv-test:";
            o.Database = 3;
            o.OperationTimeout = TimeSpan.FromSeconds(2);
        }));

        var options = host.Services.GetRequiredService<IOptions<RedisClusteringOptions>>().Value;
        Assert.Equal(("kv-test:", 3, TimeSpan.FromSeconds(2)), (options.KeyPrefix, options.Database, options.OperationTimeout));
        Assert.Equal("kv-test:{unit-cluster}:members", (string?)host.Services.GetRequiredService<RedisKeys>().Members);
    }

    [Fact]
    public async Task ASharedMultiplexerIsUsedButNotDisposed()
    {
        using var shared = await ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString);
        var host = BuildHost(silo => silo.UseRedisClustering(o =>
        {
            o.CreateMultiplexer = () => shared;
            o.IsShared = true;
        }));

        var table = host.Services.GetRequiredService<IMembershipTable>();
        Assert.True(await table.TryWriteAsync(ProviderTestData.Entry(ProviderTestData.Silo(1), SiloStatus.Active), 0, default));
        host.Dispose();

        Assert.True(shared.IsConnected);
        Assert.Equal("1", (string?)await shared.GetDatabase().HashGetAsync("okv:{unit-cluster}:members", "version"));
        await shared.GetDatabase().KeyDeleteAsync("okv:{unit-cluster}:members");
    }

    [Fact]
    public async Task AnOwnedMultiplexerIsDisposedWithTheHost()
    {
        var owned = await ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString);
        var host = BuildHost(silo => silo.UseRedisClustering(o => o.CreateMultiplexer = () => owned));
        await host.Services.GetRequiredService<IGrainDirectory>().LookupAsync(new GrainId("ns", "x"), default);

        await ((IAsyncDisposable)host).DisposeAsync();

        Assert.False(owned.IsConnected);
    }

    [Fact]
    public async Task InvalidOptionsStopTheHostAtStartWithTheSettingNamed()
    {
        using var host = BuildHost(silo => silo.UseRedisClustering(o => o.KeyPrefix = "{bad}"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("RedisClusteringOptions.KeyPrefix", error.Message, StringComparison.Ordinal);
        Assert.Contains("RedisClusteringOptions.ConfigurationString", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false, "Set exactly one of RedisClusteringOptions.ConfigurationString (REDIS_URL) and RedisClusteringOptions.CreateMultiplexer.")]
    [InlineData("127.0.0.1:6379", true, "Set exactly one of")]
    [InlineData("127.0.0.1:6379,password=hunter2,frobnicate=1", false, "RedisClusteringOptions.ConfigurationString (REDIS_URL) is not a valid")]
    [InlineData(",password=hunter2", false, "names no Redis endpoint")]
    public void TheValidatorNamesTheConnectionSetting(string? configuration, bool withFactory, string expected)
    {
        var options = new RedisClusteringOptions { ConfigurationString = configuration };
        if (withFactory)
        {
            options.CreateMultiplexer = () => throw new InvalidOperationException("not called");
        }

        var result = new RedisClusteringOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void TheValidatorNamesEveryOtherBadSetting()
    {
        var options = new RedisClusteringOptions
        {
            ConfigurationString = "127.0.0.1:6379",
            IsShared = true,
            KeyPrefix = "has space",
            Database = -2,
            OperationTimeout = TimeSpan.Zero,
        };

        var message = new RedisClusteringOptionsValidator().Validate(null, options).FailureMessage;

        foreach (var setting in new[] { "IsShared", "KeyPrefix", "Database", "OperationTimeout" })
        {
            Assert.Contains($"RedisClusteringOptions.{setting}", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheDefaultsAreValid()
    {
        var options = new RedisClusteringOptions { ConfigurationString = "redis:6379" };

        Assert.True(new RedisClusteringOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(("okv:", -1, false), (options.KeyPrefix, options.Database, options.IsShared));
    }

    private static IHost BuildHost(Action<SiloBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddOrleansKvSilo(silo =>
        {
            silo.UseLocalhostClustering(Path.Combine(Path.GetTempPath(), "orleans-kv-tests", "unused-reminders.db"));
            configure(silo);
        });
        builder.Services.Configure<SiloOptions>(o => o.ClusterId = "unit-cluster");
        return builder.Build();
    }
}
