using System.Collections.Concurrent;

namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>
/// Idle reader connections, at most <c>capacity</c> of them. Reads run synchronously on the caller's thread,
/// so a read never waits for a connection: when none is idle a new one is opened, and it is closed on return
/// if the pool is already full.
/// </summary>
internal sealed class SqliteReaderPool(string path, int capacity) : IDisposable
{
    private readonly ConcurrentQueue<SqliteReader> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    public SqliteReader Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryDequeue(out var reader))
        {
            Interlocked.Decrement(ref _idleCount);
            return reader;
        }

        return new SqliteReader(path);
    }

    /// <summary>Takes a reader back; one that failed (<paramref name="healthy"/> false) is closed instead.</summary>
    public void Return(SqliteReader reader, bool healthy)
    {
        if (!healthy || _disposed)
        {
            reader.Dispose();
            return;
        }

        if (Interlocked.Increment(ref _idleCount) > capacity)
        {
            Interlocked.Decrement(ref _idleCount);
            reader.Dispose();
            return;
        }

        _idle.Enqueue(reader);
        if (_disposed)
        {
            DrainIdle();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        DrainIdle();
    }

    private void DrainIdle()
    {
        while (_idle.TryDequeue(out var reader))
        {
            Interlocked.Decrement(ref _idleCount);
            reader.Dispose();
        }
    }
}
