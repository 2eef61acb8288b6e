using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>
/// The store's single writer: a dedicated thread that owns the writer connection. Callers enqueue requests
/// and await a task; the thread drains everything queued, applies it in one <c>BEGIN IMMEDIATE</c>
/// transaction (a savepoint per request, so a fenced or failed request leaves the others intact), commits
/// once (one fsync under <see cref="SqliteDurability.Full"/>) and only then completes the callers' tasks.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification =
    "The wake-up event is never disposed: producers may still set it while the thread ends, and a ManualResetEventSlim whose WaitHandle is never read holds no OS handle.")]
internal sealed partial class SqliteWriter
{
    /// <summary>Most requests in one transaction; the rest go into the next one straight away.</summary>
    internal const int MaxRequestsPerTransaction = 4096;

    /// <summary>Most value bytes in one transaction (one request may exceed it alone).</summary>
    internal const long MaxPayloadBytesPerTransaction = 64L * 1024 * 1024;

    private readonly Channel<SqliteWriteRequest> _queue =
        Channel.CreateUnbounded<SqliteWriteRequest>(new UnboundedChannelOptions { SingleReader = true });

    // Wakes the writer thread. No spinning before it blocks: a Task wait spins first, and on a small machine
    // that spin took the core from the request threads that were about to hand it more work.
    private readonly ManualResetEventSlim _wake = new(initialState: false, spinCount: 0);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SqliteWriteCommands _commands;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private long _transactions;
    private long _committedRequests;

    /// <summary>Takes ownership of <paramref name="commands"/> (and its connection) and starts the thread.</summary>
    public SqliteWriter(SqliteWriteCommands commands, ILogger logger)
    {
        _commands = commands;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "OrleansKv SQLite writer" };
        _thread.Start();
    }

    /// <summary>Write transactions committed so far: one fsync each under <see cref="SqliteDurability.Full"/>.</summary>
    public long TransactionCount => Interlocked.Read(ref _transactions);

    /// <summary>Requests completed successfully so far (commits, claims, pings, ...).</summary>
    public long CommittedRequestCount => Interlocked.Read(ref _committedRequests);

    /// <summary>Queues <paramref name="request"/>; false once <see cref="StopAsync"/> has been called.</summary>
    public bool TryEnqueue(SqliteWriteRequest request)
    {
        if (!_queue.Writer.TryWrite(request))
        {
            return false;
        }

        _wake.Set();
        return true;
    }

    /// <summary>Stops accepting requests; the thread commits what is queued, checkpoints, closes the connection and ends.</summary>
    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        _wake.Set();
        return _stopped.Task;
    }

    private void Run()
    {
        var group = new List<SqliteWriteRequest>();
        SqliteWriteRequest? next = null;
        try
        {
            while (next is not null || _queue.Reader.TryRead(out next) || WaitForWork())
            {
                if (next is null)
                {
                    continue;
                }

                group.Add(next);
                var payload = next.PayloadBytes;
                next = null;
                while (group.Count < MaxRequestsPerTransaction && _queue.Reader.TryRead(out var more))
                {
                    if (payload + more.PayloadBytes > MaxPayloadBytesPerTransaction)
                    {
                        next = more;
                        break;
                    }

                    group.Add(more);
                    payload += more.PayloadBytes;
                }

                RunGroup(group);
                group.Clear();
            }
        }
        finally
        {
            Close();
            _stopped.TrySetResult();
        }
    }

    /// <summary>Blocks this dedicated thread until a request arrives; false when stopped and drained.</summary>
    private bool WaitForWork()
    {
        while (true)
        {
            // Reset before looking: a request queued after the look sets the event again, so none is missed.
            _wake.Reset();
            if (_queue.Reader.TryPeek(out _))
            {
                return true;
            }

            if (_queue.Reader.Completion.IsCompleted)
            {
                return false;
            }

            _wake.Wait();
        }
    }

    private void RunGroup(List<SqliteWriteRequest> group)
    {
        try
        {
            group.RemoveAll(static request =>
            {
                if (!request.CancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                request.Cancel();
                return true;
            });

            // Each pass either commits or removes at least one request, so this ends.
            while (group.Count > 0 && !TryRunTransaction(group))
            {
            }
        }
        catch (Exception ex)
        {
            // A bug, not an I/O error: fail the callers rather than leave them waiting, and keep serving.
            LogWriterLoopFailed(ex, group.Count);
            _commands.RollbackIfOpenQuietly();
            foreach (var request in group)
            {
                request.Fail(SqliteErrors.Wrap(ex, request.Operation));
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="group"/> in one transaction. A request that fails is rolled back to its savepoint,
    /// failed and removed. When SQLite aborted the whole transaction (it may on I/O errors or a full disk),
    /// the failing request is removed and false is returned so the rest are retried in a new transaction.
    /// </summary>
    private bool TryRunTransaction(List<SqliteWriteRequest> group)
    {
        try
        {
            _commands.Begin();
        }
        catch (Exception ex)
        {
            LogTransactionFailed(ex, group.Count);
            FailAll(group, ex);
            return true;
        }

        for (var i = 0; i < group.Count;)
        {
            var request = group[i];
            try
            {
                _commands.Savepoint();
                request.Apply(_commands);
                _commands.Release();
                i++;
            }
            catch (Exception ex)
            {
                LogWriteFailed(ex, request.Operation);
                group.RemoveAt(i);
                request.Fail(SqliteErrors.Wrap(ex, request.Operation));
                if (!_commands.InTransaction || !_commands.TryRollbackToSavepoint())
                {
                    _commands.RollbackIfOpenQuietly();
                    return false;
                }
            }
        }

        try
        {
            _commands.Commit();
        }
        catch (Exception ex)
        {
            LogTransactionFailed(ex, group.Count);
            _commands.RollbackIfOpenQuietly();
            FailAll(group, ex);
            return true;
        }

        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _committedRequests, group.Count);
        foreach (var request in group)
        {
            request.Complete();
        }

        return true;
    }

    private static void FailAll(List<SqliteWriteRequest> group, Exception ex)
    {
        foreach (var request in group)
        {
            request.Fail(SqliteErrors.Wrap(ex, request.Operation));
        }

        group.Clear();
    }

    private void Close()
    {
        try
        {
            SqliteConnections.Execute(_commands.Connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        }
        catch (Exception ex)
        {
            LogCheckpointFailed(ex);
        }

        var connection = _commands.Connection;
        _commands.Dispose();
        connection.Dispose();
    }

    [LoggerMessage(EventId = (int)SqliteStoreLogEvent.WriteFailed, Level = LogLevel.Warning,
        Message = "Embedded store could not {Operation}; that caller gets the error, the other writes of the group go on")]
    private partial void LogWriteFailed(Exception exception, string operation);

    [LoggerMessage(EventId = (int)SqliteStoreLogEvent.TransactionFailed, Level = LogLevel.Error,
        Message = "Embedded store transaction of {RequestCount} writes failed; all of them get the error")]
    private partial void LogTransactionFailed(Exception exception, int requestCount);

    [LoggerMessage(EventId = (int)SqliteStoreLogEvent.WriterLoopFailed, Level = LogLevel.Critical,
        Message = "Embedded store writer hit an unexpected error with {RequestCount} writes in hand; it keeps running")]
    private partial void LogWriterLoopFailed(Exception exception, int requestCount);

    [LoggerMessage(EventId = (int)SqliteStoreLogEvent.CheckpointFailed, Level = LogLevel.Warning,
        Message = "Embedded store could not checkpoint its write-ahead log at shutdown; it will be replayed at the next start")]
    private partial void LogCheckpointFailed(Exception exception);
}
