using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace OrleansKv.Server.Configuration;

/// <summary>How much the server logs.</summary>
public sealed class LoggingOptions : IValidatableObject
{
    /// <summary>The least level logged: Trace, Debug, Information, Warning, Error, Critical or None (any case).</summary>
    [ConfigurationKeyName("LOG_LEVEL")]
    public string LogLevel { get; set; } = "Information";

    /// <summary><see cref="LogLevel"/> parsed (validated at start-up).</summary>
    public Microsoft.Extensions.Logging.LogLevel MinimumLevel => Enum.Parse<Microsoft.Extensions.Logging.LogLevel>(LogLevel, ignoreCase: true);

    /// <summary>That LOG_LEVEL names a level.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(LogLevel, ignoreCase: true, out _))
        {
            yield return new ValidationResult($"LOG_LEVEL '{LogLevel}' is not one of Trace, Debug, Information, Warning, Error, Critical, None.");
        }
    }
}
