using Microsoft.Data.Sqlite;

namespace OrleansKv.Grains.Storage.Sqlite;

/// <summary>
/// One unit of work for the writer thread. The writer applies it inside the group's transaction (within
/// its own savepoint) and completes it only after the transaction has committed.
/// </summary>
internal abstract class SqliteWriteRequest
{
    protected SqliteWriteRequest(CancellationToken cancellationToken) => CancellationToken = cancellationToken;

    /// <summary>Honoured until the writer starts the request's transaction; after that the request runs to the end.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Value bytes carried, so one transaction does not grow without bound.</summary>
    public virtual long PayloadBytes => 0;

    /// <summary>What the request does, for error messages ("could not …").</summary>
    public abstract string Operation { get; }

    /// <summary>Runs the request's SQL; called again from scratch if the group's transaction is retried.</summary>
    public abstract void Apply(SqliteWriteCommands commands);

    /// <summary>Reports the outcome of <see cref="Apply"/> now that it is durable.</summary>
    public abstract void Complete();

    public abstract void Fail(Exception exception);

    public abstract void Cancel();
}

/// <summary>A request whose caller awaits a <typeparamref name="T"/>.</summary>
internal abstract class SqliteWriteRequest<T> : SqliteWriteRequest
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T _result = default!;

    protected SqliteWriteRequest(CancellationToken cancellationToken)
        : base(cancellationToken)
    {
    }

    public Task<T> Task => _completion.Task;

    public sealed override void Apply(SqliteWriteCommands commands) => _result = Execute(commands);

    public sealed override void Complete() => _completion.TrySetResult(_result);

    public sealed override void Fail(Exception exception) => _completion.TrySetException(exception);

    public sealed override void Cancel() => _completion.TrySetCanceled(CancellationToken);

    protected abstract T Execute(SqliteWriteCommands commands);
}

/// <summary><see cref="INamespaceStore.ClaimAsync"/>.</summary>
internal sealed class ClaimRequest(string ns, CancellationToken cancellationToken)
    : SqliteWriteRequest<NamespaceSnapshot>(cancellationToken)
{
    public override string Operation => $"claim namespace '{ns}'";

    protected override NamespaceSnapshot Execute(SqliteWriteCommands commands) => commands.Claim(ns);
}

/// <summary><see cref="INamespaceStore.CommitAsync"/>, with its keys already encoded on the caller's thread.</summary>
internal sealed class CommitRequest(string ns, CommitBatch batch, byte[][] keys, long payloadBytes, CancellationToken cancellationToken)
    : SqliteWriteRequest<CommitResult>(cancellationToken)
{
    public override long PayloadBytes => payloadBytes;

    public override string Operation => $"commit to namespace '{ns}'";

    protected override CommitResult Execute(SqliteWriteCommands commands) => commands.ApplyBatch(ns, batch, keys);
}

/// <summary><see cref="INamespaceStore.ReleaseAsync"/>.</summary>
internal sealed class ReleaseRequest(string ns, long epoch, CancellationToken cancellationToken)
    : SqliteWriteRequest<bool>(cancellationToken)
{
    public override string Operation => $"release namespace '{ns}'";

    protected override bool Execute(SqliteWriteCommands commands) => commands.ReleaseClaim(ns, epoch);
}

/// <summary><see cref="INamespaceStore.PingAsync"/>: succeeds when a write transaction can be begun and committed.</summary>
internal sealed class PingRequest(CancellationToken cancellationToken) : SqliteWriteRequest<bool>(cancellationToken)
{
    public override string Operation => "answer a ping";

    protected override bool Execute(SqliteWriteCommands commands) => true;
}

/// <summary>Runs arbitrary code on the writer connection inside a group (tests and diagnostics only).</summary>
internal sealed class WriterActionRequest<T>(Func<SqliteConnection, T> action, CancellationToken cancellationToken)
    : SqliteWriteRequest<T>(cancellationToken)
{
    public override string Operation => "run a writer action";

    protected override T Execute(SqliteWriteCommands commands) => action(commands.Connection);
}
