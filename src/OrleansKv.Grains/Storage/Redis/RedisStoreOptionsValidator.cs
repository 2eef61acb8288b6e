using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrleansKv.Grains.Storage.Redis;

/// <summary>Checks <see cref="RedisStoreOptions"/> at start-up; every message names the setting it is about.</summary>
public sealed class RedisStoreOptionsValidator : IValidateOptions<RedisStoreOptions>
{
    private const string Prefix = nameof(RedisStoreOptions) + ".";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        ValidateConnection(options, failures);

        if (options.KeyPrefix is null)
        {
            failures.Add($"{Prefix}{nameof(RedisStoreOptions.KeyPrefix)} must not be null (use an empty string for no prefix).");
        }
        else if (options.KeyPrefix.Contains('{', StringComparison.Ordinal))
        {
            failures.Add($"{Prefix}{nameof(RedisStoreOptions.KeyPrefix)} must not contain '{{': the first {{...}} of a key is its hash tag, which must be the namespace.");
        }

        if (options.Database is < 0)
        {
            failures.Add($"{Prefix}{nameof(RedisStoreOptions.Database)} must be a database number of 0 or more, or null for the connection's default.");
        }

        if (options.TtlBackstopGrace < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{nameof(RedisStoreOptions.TtlBackstopGrace)} must not be negative.");
        }

        if (options.OperationTimeout <= TimeSpan.Zero || options.OperationTimeout > RedisStoreOptions.MaxOperationTimeout)
        {
            failures.Add($"{Prefix}{nameof(RedisStoreOptions.OperationTimeout)} must be more than zero and at most {RedisStoreOptions.MaxOperationTimeout}.");
        }

        if (options.WaitReplicas is < 0 or > RedisStoreOptions.MaxWaitReplicas)
        {
            failures.Add($"{Prefix}{nameof(RedisStoreOptions.WaitReplicas)} must be between 0 and {RedisStoreOptions.MaxWaitReplicas}, not {options.WaitReplicas}.");
        }

        if (options.ReplicaWaitTimeout <= TimeSpan.Zero || options.ReplicaWaitTimeout > RedisStoreOptions.MaxOperationTimeout)
        {
            failures.Add($"{Prefix}{nameof(RedisStoreOptions.ReplicaWaitTimeout)} must be more than zero and at most {RedisStoreOptions.MaxOperationTimeout}.");
        }

        failures.AddRange(options.Compression.Problems());
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateConnection(RedisStoreOptions options, List<string> failures)
    {
        var hasString = !string.IsNullOrWhiteSpace(options.ConfigurationString);
        if (options.CreateMultiplexer is not null)
        {
            if (hasString)
            {
                failures.Add($"Set {Prefix}{nameof(RedisStoreOptions.ConfigurationString)} or {Prefix}{nameof(RedisStoreOptions.CreateMultiplexer)}, not both.");
            }

            return;
        }

        if (options.IsShared)
        {
            failures.Add($"{Prefix}{nameof(RedisStoreOptions.IsShared)} applies only to {Prefix}{nameof(RedisStoreOptions.CreateMultiplexer)}; a connection made from {Prefix}{nameof(RedisStoreOptions.ConfigurationString)} is owned by the store.");
        }

        if (!hasString)
        {
            failures.Add($"{Prefix}{nameof(RedisStoreOptions.ConfigurationString)} or {Prefix}{nameof(RedisStoreOptions.CreateMultiplexer)} must be set.");
            return;
        }

        try
        {
            var parsed = ConfigurationOptions.Parse(options.ConfigurationString!);
            if (parsed.EndPoints.Count == 0)
            {
                failures.Add($"{Prefix}{nameof(RedisStoreOptions.ConfigurationString)} names no Redis endpoint (expected host:port[,option=value...]).");
            }
        }
        catch (ArgumentException ex)
        {
            // The parser names the offending keyword, never a value, so no password reaches the message.
            failures.Add($"{Prefix}{nameof(RedisStoreOptions.ConfigurationString)} is not a StackExchange.Redis configuration string: {ex.Message}");
        }
    }
}
