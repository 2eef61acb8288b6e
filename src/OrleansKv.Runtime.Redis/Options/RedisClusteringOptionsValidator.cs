using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrleansKv.Runtime.Redis;

/// <summary>
/// Checks <see cref="RedisClusteringOptions"/> at start-up; every message names the setting it is about and none
/// repeats the configuration string (it may hold a password).
/// </summary>
public sealed class RedisClusteringOptionsValidator : IValidateOptions<RedisClusteringOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RedisClusteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Prefix = nameof(RedisClusteringOptions) + ".";
        var hasString = !string.IsNullOrWhiteSpace(options.ConfigurationString);
        var hasFactory = options.CreateMultiplexer is not null;

        if (hasString == hasFactory)
        {
            failures.Add($"Set exactly one of {Prefix}{nameof(RedisClusteringOptions.ConfigurationString)} (REDIS_URL) and {Prefix}{nameof(RedisClusteringOptions.CreateMultiplexer)}.");
        }
        else if (hasString)
        {
            try
            {
                var parsed = ConfigurationOptions.Parse(options.ConfigurationString!);
                if (parsed.EndPoints.Count == 0)
                {
                    failures.Add($"{Prefix}{nameof(RedisClusteringOptions.ConfigurationString)} (REDIS_URL) names no Redis endpoint (expected host:port).");
                }
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{Prefix}{nameof(RedisClusteringOptions.ConfigurationString)} (REDIS_URL) is not a valid StackExchange.Redis configuration: {ex.Message}");
            }
        }

        if (options.IsShared && !hasFactory)
        {
            failures.Add($"{Prefix}{nameof(RedisClusteringOptions.IsShared)} applies only to a connection from {Prefix}{nameof(RedisClusteringOptions.CreateMultiplexer)}.");
        }

        if (options.KeyPrefix is null || options.KeyPrefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '{' or '}'))
        {
            failures.Add($"{Prefix}{nameof(RedisClusteringOptions.KeyPrefix)} must be set (it may be empty) and contain no braces, spaces or control characters.");
        }

        if (options.Database < -1)
        {
            failures.Add($"{Prefix}{nameof(RedisClusteringOptions.Database)} must be -1 (the connection's default) or a database number, not {options.Database}.");
        }

        if (options.OperationTimeout <= TimeSpan.Zero || options.OperationTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Prefix}{nameof(RedisClusteringOptions.OperationTimeout)} must be positive and at most 5 minutes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
