using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

/// <summary>
/// The writes of one request (a set, a delete, a batch, a sweep): staged in one step, committed together with
/// whatever else is staged meanwhile, acknowledged when the commit is durable.
/// </summary>
internal sealed class CommitUnit
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CommitUnit(long revision, List<EntryMutation> mutations, UsageDelta usage = default)
    {
        Revision = revision;
        Mutations = mutations;
        Usage = usage;
        foreach (var mutation in mutations)
        {
            PayloadBytes += mutation.Entry?.Value.Length ?? 0;
        }
    }

    /// <summary>The namespace revision this unit commits at (every entry it writes gets it as version).</summary>
    public long Revision { get; }

    public List<EntryMutation> Mutations { get; }

    /// <summary>How the unit changes the namespace's usage once durable, as counted for its quotas.</summary>
    public UsageDelta Usage { get; }

    /// <summary>Value bytes carried, for batching and back-pressure.</summary>
    public long PayloadBytes { get; }

    /// <summary>Completes when durable; faults when the commit failed or was fenced.</summary>
    public Task Completion => _completion.Task;

    public void Complete() => _completion.TrySetResult();

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
