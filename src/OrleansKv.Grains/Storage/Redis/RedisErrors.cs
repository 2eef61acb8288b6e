using StackExchange.Redis;

namespace OrleansKv.Grains.Storage.Redis;

/// <summary>Turns Redis client failures into the one exception type that may cross a grain call.</summary>
internal static class RedisErrors
{
    /// <summary>True for the failures of the backend (connection, timeout, server error) that are wrapped.</summary>
    public static bool IsBackendFailure(Exception exception) =>
        exception is RedisException or RedisCommandException or TimeoutException;

    /// <summary>Wraps <paramref name="exception"/>; <paramref name="operation"/> completes "could not …".</summary>
    public static NamespaceStoreException Wrap(Exception exception, string operation, TimeSpan timeout) => exception switch
    {
        NamespaceStoreException already => already,
        RedisConnectionException connection => new NamespaceStoreException(
            $"The Redis store could not {operation}: no usable connection to Redis ({connection.FailureType}). {connection.Message}"),
        RedisTimeoutException redisTimeout => new NamespaceStoreException(
            $"The Redis store could not {operation}: Redis did not answer in time; the outcome is unknown. {redisTimeout.Message}"),
        TimeoutException => new NamespaceStoreException(
            $"The Redis store could not {operation}: Redis did not answer within {timeout.TotalMilliseconds:0} ms; the outcome is unknown."),
        RedisServerException server => new NamespaceStoreException(
            $"The Redis store could not {operation}: Redis replied with an error: {server.Message}"),
        _ => new NamespaceStoreException(
            $"The Redis store could not {operation}: {exception.GetType().Name}: {exception.Message}"),
    };
}
