using OrleansKv.Grains;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>MULTI / EXEC / DISCARD: the queued commands run as one atomic call of the namespace grain.</summary>
internal sealed partial class RespSession
{
    private List<(RespCommandSpec Spec, byte[][] Args)>? _queued;
    private bool _queueFailed;

    private void Multi()
    {
        if (_queued is not null)
        {
            _writer.Error("ERR MULTI calls can not be nested");
            return;
        }

        _queued = [];
        _queueFailed = false;
        _writer.Ok();
    }

    private void Discard()
    {
        if (_queued is null)
        {
            _writer.Error("ERR DISCARD without MULTI");
            return;
        }

        _queued = null;
        _writer.Ok();
    }

    /// <summary>A command that failed before it could be queued (unknown, wrong arity) aborts the transaction.</summary>
    private void FailQueued()
    {
        if (_queued is not null)
        {
            _queueFailed = true;
        }
    }

    private void Queue(RespCommandSpec spec, RespRequest request)
    {
        if (!spec.Flags.HasFlag(RespCommandFlags.Queueable))
        {
            _queueFailed = true;
            _writer.Error($"ERR Command '{spec.Name}' is not supported inside MULTI");
            return;
        }

        _queued!.Add((spec, request.Copy()));
        _writer.Queued();
    }

    private async ValueTask ExecAsync(CancellationToken cancellationToken)
    {
        if (_queued is not { } queued)
        {
            _writer.Error("ERR EXEC without MULTI");
            return;
        }

        _queued = null;
        if (_queueFailed)
        {
            _writer.Error("EXECABORT Transaction discarded because of previous errors.");
            return;
        }

        // A transaction is one grain call and one permit, whatever it holds; refused, none of it runs.
        if (queued.Count > 0 && !Admitted(out var refused))
        {
            _writer.Error(refused);
            return;
        }

        var ops = new List<KeyOperation>();
        var planned = new PlannedCommand[queued.Count];
        var request = new RespRequest();
        for (var i = 0; i < queued.Count; i++)
        {
            var (spec, args) = queued[i];
            request.Load(args);
            planned[i] = Permitted(spec, out var reason) ? Plan(spec, request, ops) : new PlannedCommand(spec.Id, 0, 0, Error: reason);
        }

        IReadOnlyList<KeyOpResult> results = ops.Count > 0 ? await calls.ExecuteAsync(Namespace, ops, cancellationToken) : [];
        _writer.Array(planned.Length);
        foreach (var each in planned)
        {
            Reply(each, results);
        }
    }
}
