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
    private StartupSettings(IServiceProvider settings)
    {
        var failures = new List<OptionsValidationException>();
        Listeners = Read<ListenerOptions>(settings, failures);
        Clustering = Read<ClusteringOptions>(settings, failures);
        Storage = Read<StorageOptions>(settings, failures);
        Auth = Read<AuthOptions>(settings, failures);
        Limits = Read<LimitsOptions>(settings, failures);
        Logging = Read<LoggingOptions>(settings, failures);
        if (failures.Count > 0)
        {
            throw new AggregateException(failures);
        }
    }

    public ListenerOptions Listeners { get; }

    public ClusteringOptions Clustering { get; }

    public StorageOptions Storage { get; }

    public AuthOptions Auth { get; }

    public LimitsOptions Limits { get; }

    public LoggingOptions Logging { get; }

    /// <summary>Binds and checks every settings class; throws an <see cref="AggregateException"/> of
    /// <see cref="OptionsValidationException"/>s, one per class with a bad value.</summary>
    public static StartupSettings Read(IConfiguration configuration)
    {
        using var settings = new ServiceCollection().AddSingleton(configuration).AddServerSettings().BuildServiceProvider();
        return new StartupSettings(settings);
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
