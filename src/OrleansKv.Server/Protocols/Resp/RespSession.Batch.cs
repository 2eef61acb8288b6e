using OrleansKv.Grains;
using OrleansKv.Server.Errors;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>
/// Pipelining: consecutive key commands of one read are planned together and run as one grain call, in order, then
/// answered in order. The grain applies them atomically, which is what each would get alone and more; a run of reads
/// is served from the committed view without the write gate.
/// </summary>
internal sealed partial class RespSession
{
    /// <summary>The most commands one call carries; a longer run is split.</summary>
    private const int MaxBatchCommands = 256;

    private readonly List<KeyOperation> _batchOps = [];
    private readonly List<PlannedCommand> _batch = [];

    /// <summary>Adds a key command to the pending batch when it can run in one (signed in, outside MULTI, right arity).</summary>
    public bool TryBatch(RespRequest request)
    {
        if (_queued is not null || credential.Principal is null || request.Count == 0
            || !RespCommandTable.TryFind(request[0], out var spec) || !spec.Flags.HasFlag(RespCommandFlags.Queueable)
            || !spec.AcceptsArgumentCount(request.Count))
        {
            return false;
        }

        _batch.Add(Permitted(spec, out var denied) && Admitted(out denied) ? Plan(spec, request, _batchOps) : new PlannedCommand(spec.Id, 0, 0, Error: denied));
        return true;
    }

    /// <summary>Whether the pending batch should run before more is added.</summary>
    public bool BatchFull => _batch.Count >= MaxBatchCommands || _batchOps.Count >= KeyRules.MaxBatchOperations;

    /// <summary>Runs the pending batch, if any, and writes its answers.</summary>
    public async ValueTask RunBatchAsync(CancellationToken cancellationToken)
    {
        if (_batch.Count == 0)
        {
            return;
        }

        try
        {
            if (await credential.CurrentAsync(cancellationToken) is null)
            {
                foreach (var _ in _batch)
                {
                    _writer.Error("NOAUTH Authentication required.");
                }

                return;
            }

            IReadOnlyList<KeyOpResult> results = [];
            string? failure = null;
            if (_batchOps.Count > 0)
            {
                try
                {
                    results = await calls.ExecuteAsync(Namespace, _batchOps, cancellationToken);
                }
                catch (Exception ex) when (KvErrorClassifier.Classify(ex) is { Code: not KvErrorCode.Internal } error)
                {
                    LogCommandFailed(logger, "batch", ex);
                    failure = RespErrors.Reply(error);
                }
            }

            foreach (var planned in _batch)
            {
                if (failure is not null && planned.Error is null)
                {
                    _writer.Error(failure);
                }
                else
                {
                    Reply(planned, results);
                }
            }
        }
        finally
        {
            _batch.Clear();
            _batchOps.Clear();
        }
    }
}
