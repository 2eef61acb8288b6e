using OrleansKv.Grains;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Errors;
using OrleansKv.Server.Namespaces;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>
/// One RESP connection: its protocol version, credential, namespace, name and transaction. Commands run one at a
/// time in arrival order; every key command is a call of the connection's namespace grain.
/// </summary>
internal sealed partial class RespSession(
    NamespaceCalls calls,
    ConnectionCredential credential,
    RespWriter writer,
    RespServerInfo server,
    long id,
    TimeProvider time,
    ILogger logger)
{
    private readonly RespWriter _writer = writer;
    private readonly TimeProvider _time = time;
    private string? _name;

    public long Id { get; } = id;

    public string? Name => _name;

    /// <summary>Runs one command and writes its answer; true when the connection is to close after it.</summary>
    public async ValueTask<bool> ExecuteAsync(RespRequest request, CancellationToken cancellationToken)
    {
        if (request.Count == 0)
        {
            return false;
        }

        if (!RespCommandTable.TryFind(request[0], out var spec))
        {
            FailQueued();
            _writer.Error(UnknownCommand(request));
            return false;
        }

        if (!spec.AcceptsArgumentCount(request.Count))
        {
            FailQueued();
            _writer.Error(WrongArity(spec));
            return false;
        }

        if (!spec.Flags.HasFlag(RespCommandFlags.NoAuth) && await credential.CurrentAsync(cancellationToken) is null)
        {
            FailQueued();
            _writer.Error("NOAUTH Authentication required.");
            return false;
        }

        if (_queued is not null && spec.Id is not (RespCommandId.Exec or RespCommandId.Discard or RespCommandId.Multi or RespCommandId.Watch or RespCommandId.Quit or RespCommandId.Reset))
        {
            Queue(spec, request);
            return false;
        }

        if (!Permitted(spec, out var denied)
            || (spec.Flags.HasFlag(RespCommandFlags.Read) || spec.Flags.HasFlag(RespCommandFlags.Write)) && !Admitted(out denied))
        {
            _writer.Error(denied);
            return false;
        }

        try
        {
            return await DispatchAsync(spec, request, cancellationToken);
        }
        catch (Exception ex) when (KvErrorClassifier.Classify(ex) is { Code: not KvErrorCode.Internal } error)
        {
            LogCommandFailed(logger, spec.Name, ex);
            _writer.Error(RespErrors.Reply(error));
            return false;
        }
    }

    private async ValueTask<bool> DispatchAsync(RespCommandSpec spec, RespRequest request, CancellationToken cancellationToken)
    {
        switch (spec.Id)
        {
            case RespCommandId.Auth:
                await AuthAsync(request, cancellationToken);
                return false;
            case RespCommandId.Hello:
                await HelloAsync(request, cancellationToken);
                return false;
            case RespCommandId.Quit:
                _writer.Ok();
                return true;
            case RespCommandId.Reset:
                Reset();
                return false;
            case RespCommandId.Multi:
                Multi();
                return false;
            case RespCommandId.Exec:
                await ExecAsync(cancellationToken);
                return false;
            case RespCommandId.Discard:
                Discard();
                return false;
            case RespCommandId.Watch:
                _writer.Error(_queued is null ? "ERR WATCH is not supported; MULTI/EXEC runs atomically in the namespace" : "ERR WATCH inside MULTI is not allowed");
                return false;
            case RespCommandId.Unwatch:
                _writer.Ok();
                return false;
            case RespCommandId.Scan:
                await ScanAsync(request, cancellationToken);
                return false;
            case RespCommandId.Keys:
                await KeysAsync(request, cancellationToken);
                return false;
            case RespCommandId.DbSize:
                _writer.Integer((await calls.StatsAsync(Namespace, cancellationToken)).Keys);
                return false;
            case RespCommandId.Select:
                Select(request);
                return false;
            case RespCommandId.Client:
                Client(request);
                return false;
            case RespCommandId.Info:
                await InfoAsync(request, cancellationToken);
                return false;
            case RespCommandId.Config:
                Config(request);
                return false;
            case RespCommandId.Command:
                Command(request);
                return false;
        }

        // Key commands never get here: signed in and outside MULTI, they go through the batch (RespSession.Batch.cs).
        throw new InvalidOperationException($"{spec.Name} runs in a batch.");
    }

    private string Namespace => credential.Principal?.Namespace ?? throw new InvalidOperationException("The connection is not signed in.");

    private bool Permitted(RespCommandSpec spec, out string denied)
    {
        denied = string.Empty;
        var needed = spec.Flags.HasFlag(RespCommandFlags.Write) ? KvScopes.Write : spec.Flags.HasFlag(RespCommandFlags.Read) ? KvScopes.Read : KvScopes.None;
        if (credential.Principal is not { } principal || credential.Allows(needed))
        {
            return true;
        }

        denied = $"NOPERM User {principal.Subject} has no permissions to run the '{spec.Name}' command";
        return false;
    }

    /// <summary>Takes a rate-limit permit for a key command of this connection's namespace.</summary>
    private bool Admitted(out string refused)
    {
        if (calls.TryAdmit(credential.Principal!, "resp", out var refusal))
        {
            refused = string.Empty;
            return true;
        }

        refused = RespErrors.Reply(new KvError(KvErrorCode.RateLimited, refusal));
        return false;
    }

    private static string WrongArity(RespCommandSpec spec) => $"ERR wrong number of arguments for '{spec.Name}' command";

    private static string UnknownCommand(RespRequest request)
    {
        var text = new System.Text.StringBuilder("ERR unknown command '");
        text.Append(Truncate(request.Text(0), 128)).Append("', with args beginning with: ");
        for (var i = 1; i < request.Count && text.Length < 1024; i++)
        {
            text.Append('\'').Append(Truncate(request.Text(i), 128)).Append("' ");
        }

        return text.ToString();
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    [LoggerMessage(EventId = 3610, Level = LogLevel.Debug, Message = "RESP command {Command} failed")]
    private static partial void LogCommandFailed(ILogger logger, string command, Exception exception);
}
