namespace OrleansKv.Providers.Sqlite;

/// <summary>
/// A SQLite provider call failed (I/O error, locked database, corrupt file). The message names the operation and
/// the grain; the SQLite error is its inner exception on the silo. Serializable, so it can reach a grain's caller.
/// </summary>
[GenerateSerializer]
public sealed class SqliteProviderException : Exception
{
    public SqliteProviderException()
    {
    }

    public SqliteProviderException(string message)
        : base(message)
    {
    }

    public SqliteProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
