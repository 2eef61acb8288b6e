using Microsoft.Extensions.Options;
using OrleansKv.Server.Hosting;

namespace OrleansKv.Server.Configuration;

/// <summary>The one line a bad configuration prints at start-up: the failure messages only (each names its setting),
/// not the exception's own text.</summary>
public static class ConfigurationFailure
{
    /// <summary>The messages of a configuration failure joined in one line, or null when <paramref name="exception"/>
    /// is not one (<see cref="OptionsValidationException"/>, several of them, or <see cref="InvalidConfigurationException"/>).</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        InvalidConfigurationException invalid => invalid.Message,
        OptionsValidationException failed => string.Join(" ", failed.Failures),
        AggregateException { InnerExceptions.Count: > 0 } all when all.InnerExceptions.All(e => Describe(e) is not null) =>
            string.Join(" ", all.InnerExceptions.Select(Describe).Distinct()),
        _ => null,
    };
}
