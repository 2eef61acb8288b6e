using Microsoft.Extensions.Options;

namespace OrleansKv.Server.Configuration;

/// <summary>
/// The settings start-up needs before the host's container exists: the log level, Kestrel's listeners, the auth
/// schemes and the silo builder. They come from <see cref="SettingsServiceCollectionExtensions.AddServerSettings"/> in
/// a container of their own, so they are bound and checked exactly as the host's <c>IOptions&lt;T&gt;</c> are; reading
/// them all first puts every bad value in one start-up line.
/// </summary>
internal sealed class StartupSettings
{
    public required ListenerOptions Listeners { get; init; }

    public required ClusteringOptions Clustering { get; init; }

    public required StorageOptions Storage { get; init; }

    public required AuthOptions Auth { get; init; }

    public required LimitsOptions Limits { get; init; }

    public required LoggingOptions Logging { get; init; }

    /// <summary>Binds and checks every settings class; throws an <see cref="AggregateException"/> of
    /// <see cref="OptionsValidationException"/>s, one per class with a bad value.</summary>
    public static StartupSettings Read(IConfiguration configuration)
    {
        using var services = new ServiceCollection().AddSingleton(configuration).AddServerSettings().BuildServiceProvider();
        var failures = new List<OptionsValidationException>();
        var settings = new StartupSettings
        {
            Listeners = Read<ListenerOptions>(services, failures),
            Clustering = Read<ClusteringOptions>(services, failures),
            Storage = Read<StorageOptions>(services, failures),
            Auth = Read<AuthOptions>(services, failures),
            Limits = Read<LimitsOptions>(services, failures),
            Logging = Read<LoggingOptions>(services, failures),
        };
        return failures.Count == 0 ? settings : throw new AggregateException(failures);
    }

    private static TOptions Read<TOptions>(IServiceProvider settings, List<OptionsValidationException> failures)
        where TOptions : class, new()
    {
        try
        {
            return settings.GetRequiredService<IOptions<TOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            failures.Add(ex);
        }
        catch (InvalidOperationException ex)
        {
            // The binder's "Failed to convert configuration value at 'HTTP_PORT' to type 'System.Int32'."
            failures.Add(new OptionsValidationException(Options.DefaultName, typeof(TOptions), [ex.Message]));
        }

        return new TOptions();
    }
}
