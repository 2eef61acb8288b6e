namespace OrleansKv.Runtime.Redis;

/// <summary>
/// A Redis provider call failed: no connection, a timeout, or a Redis error. The one exception type these
/// providers throw for backend failures; the outcome of the call is unknown to the caller (every write is
/// conditional, so reading again and retrying is safe).
/// </summary>
public sealed class RedisProviderException : Exception
{
    public RedisProviderException()
    {
    }

    public RedisProviderException(string message)
        : base(message)
    {
    }

    public RedisProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
