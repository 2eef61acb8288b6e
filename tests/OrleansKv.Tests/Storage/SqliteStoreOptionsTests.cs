using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansKv.Grains.Storage;
using OrleansKv.Grains.Storage.Sqlite;

namespace OrleansKv.Tests.Storage;

public sealed class SqliteStoreOptionsTests
{
    [Fact]
    public void DefaultsAreValidAndDurable()
    {
        var options = new SqliteStoreOptions();

        Assert.Equal("./data", options.DataDirectory);
        Assert.Equal("orleans-kv.db", options.FileName);
        Assert.Equal(SqliteDurability.Full, options.Durability);
        Assert.True(new SqliteStoreOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(nameof(SqliteStoreOptions.DataDirectory))]
    [InlineData(nameof(SqliteStoreOptions.FileName))]
    [InlineData(nameof(SqliteStoreOptions.Durability))]
    [InlineData(nameof(SqliteStoreOptions.ReaderPoolSize))]
    public void EachInvalidSettingIsNamedInTheFailure(string setting)
    {
        var options = new SqliteStoreOptions();
        switch (setting)
        {
            case nameof(SqliteStoreOptions.DataDirectory): options.DataDirectory = " "; break;
            case nameof(SqliteStoreOptions.FileName): options.FileName = "sub/dir.db"; break;
            case nameof(SqliteStoreOptions.Durability): options.Durability = (SqliteDurability)7; break;
            case nameof(SqliteStoreOptions.ReaderPoolSize): options.ReaderPoolSize = 0; break;
        }

        var result = new SqliteStoreOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"{nameof(SqliteStoreOptions)}.{setting}", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void StoreRefusesInvalidOptions()
    {
        var options = new SqliteStoreOptions { ReaderPoolSize = -1 };

        var error = Assert.Throws<OptionsValidationException>(() => new SqliteNamespaceStore(options, NullLogger<SqliteNamespaceStore>.Instance));

        Assert.Contains(nameof(SqliteStoreOptions.ReaderPoolSize), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegistrationForwardsTheInterfaceToTheOneStore()
    {
        using var directory = new TempDirectory();
        var services = new ServiceCollection().AddLogging();
        services.AddSqliteNamespaceStore(o => o.DataDirectory = directory.Path);

        await using (var provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<SqliteNamespaceStore>();
            Assert.Same(store, provider.GetRequiredService<INamespaceStore>());
            Assert.Equal(Path.Combine(directory.Path, "orleans-kv.db"), store.DatabasePath);
            Assert.True(await store.PingAsync(default));
        }

        Assert.True(File.Exists(Path.Combine(directory.Path, "orleans-kv.db")));
    }

    [Fact]
    public async Task InvalidOptionsFailTheHostAtStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSqliteNamespaceStore(o => o.FileName = "");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"{nameof(SqliteStoreOptions)}.{nameof(SqliteStoreOptions.FileName)}", error.Message, StringComparison.Ordinal);
    }
}
