using System.IO.Pipelines;

namespace OrleansKv.Server.Protocols;

/// <summary>
/// Reads a connection's input with an idle timeout: a read that waits longer than the timeout for bytes ends the
/// connection, as Kestrel's keep-alive timeout ends an idle HTTP connection.
/// </summary>
internal sealed class IdleReader(PipeReader input, TimeSpan timeout, CancellationToken closed) : IDisposable
{
    private readonly CancellationTokenSource _idle = CancellationTokenSource.CreateLinkedTokenSource(closed);

    /// <summary>The next read; <c>null</c> when the connection went idle or was closed.</summary>
    public async ValueTask<ReadResult?> ReadAsync()
    {
        _idle.CancelAfter(timeout);
        try
        {
            var result = await input.ReadAsync(_idle.Token);
            return result.IsCanceled ? null : result;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        finally
        {
            _idle.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _idle.Dispose();
}
