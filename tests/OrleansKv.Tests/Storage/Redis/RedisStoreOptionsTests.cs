using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Redis;
using StackExchange.Redis;

namespace OrleansKv.Tests.Storage.Redis;

public sealed class RedisStoreOptionsTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string SomeServer = "127.0.0.1:6379";

    [Fact]
    public void DefaultsNeedOnlyAConnection()
    {
        var options = new RedisStoreOptions();

        Assert.Equal("okv:", options.KeyPrefix);
        Assert.Null(options.Database);
        Assert.False(options.IsShared);
        Assert.Equal(TimeSpan.FromMinutes(5), options.TtlBackstopGrace);
        Assert.Equal(TimeSpan.FromSeconds(10), options.OperationTimeout);
        var missing = new RedisStoreOptionsValidator().Validate(null, options);
        Assert.Contains($"{nameof(RedisStoreOptions)}.{nameof(RedisStoreOptions.ConfigurationString)}", Assert.Single(missing.Failures!), StringComparison.Ordinal);
        options.ConfigurationString = SomeServer;
        Assert.True(new RedisStoreOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(new RedisStoreOptionsValidator().Validate(null, new RedisStoreOptions { CreateMultiplexer = () => null!, IsShared = true }).Succeeded);
    }

    [Theory]
    [InlineData(nameof(RedisStoreOptions.ConfigurationString))]
    [InlineData(nameof(RedisStoreOptions.CreateMultiplexer))]
    [InlineData(nameof(RedisStoreOptions.IsShared))]
    [InlineData(nameof(RedisStoreOptions.KeyPrefix))]
    [InlineData(nameof(RedisStoreOptions.Database))]
    [InlineData(nameof(RedisStoreOptions.TtlBackstopGrace))]
    [InlineData(nameof(RedisStoreOptions.OperationTimeout))]
    [InlineData(nameof(RedisStoreOptions.WaitReplicas))]
    [InlineData(nameof(RedisStoreOptions.ReplicaWaitTimeout))]
    public void EachInvalidSettingIsNamedInTheFailure(string setting)
    {
        var options = new RedisStoreOptions { ConfigurationString = SomeServer };
        switch (setting)
        {
            case nameof(RedisStoreOptions.ConfigurationString): options.ConfigurationString = SomeServer + ",noSuchOption=1"; break;
            case nameof(RedisStoreOptions.CreateMultiplexer): options.CreateMultiplexer = () => null!; break;
            case nameof(RedisStoreOptions.IsShared): options.IsShared = true; break;
            case nameof(RedisStoreOptions.KeyPrefix): options.KeyPrefix = "okv{x}:"; break;
            case nameof(RedisStoreOptions.Database): options.Database = -1; break;
            case nameof(RedisStoreOptions.TtlBackstopGrace): options.TtlBackstopGrace = TimeSpan.FromSeconds(-1); break;
            case nameof(RedisStoreOptions.OperationTimeout): options.OperationTimeout = TimeSpan.Zero; break;
            case nameof(RedisStoreOptions.WaitReplicas): options.WaitReplicas = -1; break;
            case nameof(RedisStoreOptions.ReplicaWaitTimeout): options.ReplicaWaitTimeout = TimeSpan.Zero; break;
        }

        var result = new RedisStoreOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"{nameof(RedisStoreOptions)}.{setting}", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigurationStringFailureDoesNotEchoThePassword()
    {
        var options = new RedisStoreOptions { ConfigurationString = SomeServer + ",password=hunter2-secret,noSuchOption=1" };

        var failure = Assert.Single(new RedisStoreOptionsValidator().Validate(null, options).Failures!);

        Assert.DoesNotContain("hunter2-secret", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreRefusesInvalidOptions()
    {
        var options = new RedisStoreOptions { ConfigurationString = SomeServer, KeyPrefix = "{bad}" };

        var error = Assert.Throws<OptionsValidationException>(() => new RedisNamespaceStore(options, NullLogger<RedisNamespaceStore>.Instance));

        Assert.Contains(nameof(RedisStoreOptions.KeyPrefix), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionStringRegistrationForwardsTheInterfaceToTheOneStore()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddRedisNamespaceStore(redis.Server.ConnectionString);

        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<RedisNamespaceStore>();
        Assert.Same(store, provider.GetRequiredService<INamespaceStore>());
        Assert.Equal(RedisStoreOptions.DefaultKeyPrefix, store.KeyPrefix);
        Assert.True(await store.PingAsync(default));
    }

    [Fact]
    public async Task InvalidOptionsFailTheHostAtStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddRedisNamespaceStore(o => o.ConfigurationString = SomeServer + ",noSuchOption=1");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"{nameof(RedisStoreOptions)}.{nameof(RedisStoreOptions.ConfigurationString)}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedMultiplexerStaysOpenWhenTheStoreIsDisposed()
    {
        using var shared = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString);
        var created = 0;
        var store = new RedisNamespaceStore(
            new RedisStoreOptions { CreateMultiplexer = () => { created++; return shared; }, IsShared = true },
            NullLogger<RedisNamespaceStore>.Instance);
        var ns = "shared-" + Guid.NewGuid().ToString("N");
        await store.ClaimAsync(ns, default);
        await store.ClaimAsync(ns, default);

        await store.DisposeAsync();

        Assert.Equal(1, created);
        Assert.True(shared.IsConnected);
        Assert.Equal("2", (string?)await shared.GetDatabase().HashGetAsync("okv:{" + ns + "}:meta", "epoch"));
    }

    [Fact]
    public async Task OwnedMultiplexerFromTheFactoryIsClosedWithTheStore()
    {
        var owned = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString);
        var store = new RedisNamespaceStore(new RedisStoreOptions { CreateMultiplexer = () => owned }, NullLogger<RedisNamespaceStore>.Instance);
        Assert.True(await store.PingAsync(default));

        await store.DisposeAsync();

        Assert.False(owned.IsConnected);
        await Assert.ThrowsAnyAsync<Exception>(() => owned.GetDatabase().PingAsync());
    }

    [Fact]
    public async Task StoreUsesTheConfiguredDatabaseAndKeyPrefix()
    {
        var options = new RedisStoreOptions { ConfigurationString = redis.Server.ConnectionString, Database = 3, KeyPrefix = "" };
        await using var store = new RedisNamespaceStore(options, NullLogger<RedisNamespaceStore>.Instance);
        var ns = "db3-" + Guid.NewGuid().ToString("N");

        await store.ClaimAsync(ns, default);

        Assert.True(await redis.Admin.GetDatabase(3).KeyExistsAsync("{" + ns + "}:meta"));
        Assert.False(await redis.Admin.GetDatabase(0).KeyExistsAsync("{" + ns + "}:meta"));
    }
}
