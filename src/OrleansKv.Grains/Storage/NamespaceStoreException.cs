namespace OrleansKv.Grains.Storage;

/// <summary>
/// A storage backend failed (I/O, connection, timeout). The one exception type that carries a SQLite
/// or Redis failure across a grain call or a silo boundary; the outcome of the operation that raised
/// it is unknown to the caller.
/// </summary>
[GenerateSerializer, Alias("OrleansKv.NamespaceStoreException")]
public sealed class NamespaceStoreException : Exception
{
    public NamespaceStoreException()
    {
    }

    public NamespaceStoreException(string message)
        : base(message)
    {
    }

    public NamespaceStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
