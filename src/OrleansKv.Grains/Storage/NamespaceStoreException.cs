namespace OrleansKv.Grains.Storage;

/// <summary>
/// A storage backend failed (I/O, connection, timeout). The one exception type that carries a SQLite
/// or Redis failure across a grain call or a silo boundary; the outcome of the operation that raised
/// it is unknown to the caller.
/// </summary>
/// <remarks>
/// It never carries the backend's exception as <see cref="Exception.InnerException"/>: it crosses silo boundaries, and
/// Orleans can serialize only its own types and ours. Its message names the backend failure; the store logs the
/// original where it happened.
/// </remarks>
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
