using Microsoft.Extensions.Options;
using OrleansKv.Server.Hosting;

namespace OrleansKv.Server.Configuration;

/// <summary>The one line a bad configuration prints at start-up: the failure messages, each naming its setting.</summary>
public static class ConfigurationFailure
{
    /// <summary>The messages of a configuration failure joined in one line, or null when <paramref name="exception"/>
    /// is not one (<see cref="OptionsValidationException"/>, several of them, or <see cref="InvalidConfigurationException"/>).</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        InvalidConfigurationException invalid => invalid.Message,
        OptionsValidationException failed => string.Join(" ", failed.Failures.Select(WithoutMember)),
        AggregateException { InnerExceptions.Count: > 0 } all when all.InnerExceptions.All(e => Describe(e) is not null) =>
            string.Join(" ", all.InnerExceptions.Select(Describe).Distinct()),
        _ => null,
    };

    /// <summary>A generated validator puts the property's name before a DataAnnotation's message ("HttpPort: HTTP_PORT
    /// must be..."); the message names the setting already.</summary>
    private static string WithoutMember(string failure)
    {
        var colon = failure.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && failure.AsSpan(0, colon).ContainsAnyExcept(MemberNameCharacters) is false ? failure[(colon + 2)..] : failure;
    }

    private static readonly System.Buffers.SearchValues<char> MemberNameCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_, ");
}
