using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OrleansKv.Grains;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Errors;
using OrleansKv.Server.Namespaces;

namespace OrleansKv.Server.Protocols.Text;

/// <summary>
/// The text protocol on TCP_PORT: one command per line, one answer line each (<c>OK</c>, <c>VALUE v</c>,
/// <c>NOT_FOUND</c>, <c>ERROR message</c>), in order, pipelined lines included. <c>AUTH token</c> comes first.
/// </summary>
internal sealed partial class TextConnectionHandler(
    NamespaceCalls calls,
    CredentialAuthenticator authenticator,
    TimeProvider time,
    IOptions<LimitsOptions> options,
    IOptions<KestrelServerOptions> kestrel,
    ILogger<TextConnectionHandler> logger) : ConnectionHandler
{
    /// <summary>The longest line: a largest value plus its key and verb.</summary>
    private readonly long _maxLine = options.Value.MaxValueBytes + 2048L;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var credential = new ConnectionCredential(authenticator, time);
        using var reader = new IdleReader(input, kestrel.Value.Limits.KeepAliveTimeout, connection.ConnectionClosed);
        var discarding = false;
        try
        {
            while (await reader.ReadAsync() is { } result)
            {
                var buffer = result.Buffer;
                var quit = false;
                while (!quit)
                {
                    if (discarding)
                    {
                        discarding = !TextLines.TrySkip(ref buffer);
                        if (discarding)
                        {
                            break;
                        }
                    }

                    if (!TextLines.TryRead(ref buffer, out var line))
                    {
                        if (buffer.Length > _maxLine)
                        {
                            Write(output, "ERROR line too long"u8);
                            discarding = !TextLines.TrySkip(ref buffer);
                            continue;
                        }

                        break;
                    }

                    if (line.Length > _maxLine)
                    {
                        Write(output, "ERROR line too long"u8);
                        continue;
                    }

                    quit = await ExecuteAsync(line, credential, output, connection.ConnectionClosed);
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                var flushed = await output.FlushAsync();
                if (quit || result.IsCompleted || flushed.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (ConnectionResetException)
        {
            // The client went away.
        }
        finally
        {
            await output.CompleteAsync();
            await input.CompleteAsync();
        }
    }

    /// <summary>Runs one line; true when the connection is to close after its answer.</summary>
    private async ValueTask<bool> ExecuteAsync(ReadOnlySequence<byte> line, ConnectionCredential credential, PipeWriter output, CancellationToken closed)
    {
        TextCommand command;
        string error;
        bool parsed;
        if (line.IsSingleSegment)
        {
            parsed = TextCommand.TryParse(line.FirstSpan, out command, out error);
        }
        else
        {
            var copy = ArrayPool<byte>.Shared.Rent((int)line.Length);
            line.CopyTo(copy);
            parsed = TextCommand.TryParse(copy.AsSpan(0, (int)line.Length), out command, out error);
            ArrayPool<byte>.Shared.Return(copy);
        }

        if (!parsed)
        {
            WriteError(output, error);
            return false;
        }

        if (command.Verb == TextVerb.Quit)
        {
            Write(output, "OK"u8);
            return true;
        }

        if (command.Verb == TextVerb.Auth)
        {
            var signedIn = await credential.SignInAsync(command.Argument, closed);
            if (signedIn.Principal is null)
            {
                WriteError(output, signedIn.Failure ?? "invalid token");
            }
            else
            {
                Write(output, "OK"u8);
            }

            return false;
        }

        if (await credential.CurrentAsync(closed) is not { Namespace: { } ns } principal)
        {
            Write(output, "ERROR authentication required"u8);
            return false;
        }

        var needed = command.Verb == TextVerb.Get ? KvScopes.Read : KvScopes.Write;
        if (!credential.Allows(needed))
        {
            WriteError(output, $"the token lacks the {(needed == KvScopes.Read ? "read" : "write")} scope");
            return false;
        }

        if (!calls.TryAdmit(principal, "text", out var refusal))
        {
            WriteError(output, TextErrors.Message(new KvError(KvErrorCode.RateLimited, refusal)));
            return false;
        }

        try
        {
            switch (command.Verb)
            {
                case TextVerb.Set:
                    await calls.SetAsync(ns, new SetCommand(command.Argument, command.Value!), closed);
                    Write(output, "OK"u8);
                    break;
                case TextVerb.Get:
                    WriteValue(output, await calls.GetAsync(ns, command.Argument, closed));
                    break;
                default:
                    var deleted = await calls.DeleteAsync(ns, command.Argument, null, closed);
                    Write(output, deleted.Status == Grains.KvStatus.NotFound ? "NOT_FOUND"u8 : "OK"u8);
                    break;
            }
        }
        catch (Exception ex) when (KvErrorClassifier.Classify(ex) is { Code: not Grains.KvErrorCode.Internal } failure)
        {
            LogCommandFailed(logger, ex);
            WriteError(output, TextErrors.Message(failure));
        }

        return false;
    }

    private static void WriteValue(PipeWriter output, Grains.Storage.StoredEntry? entry)
    {
        if (entry is null)
        {
            Write(output, "NOT_FOUND"u8);
            return;
        }

        if (entry.Value.AsSpan().IndexOfAny((byte)'\r', (byte)'\n') >= 0)
        {
            Write(output, "ERROR the value holds a line break; read it over REST or RESP"u8);
            return;
        }

        output.Write("VALUE "u8);
        Write(output, entry.Value);
    }

    private static void WriteError(PipeWriter output, string message)
    {
        output.Write("ERROR "u8);
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(message.Length));
        var written = Encoding.UTF8.GetBytes(message, span);
        output.Advance(written);
        output.Write("\r\n"u8);
    }

    private static void Write(PipeWriter output, ReadOnlySpan<byte> line)
    {
        output.Write(line);
        output.Write("\r\n"u8);
    }

    [LoggerMessage(EventId = 3600, Level = LogLevel.Debug, Message = "Text protocol command failed")]
    private static partial void LogCommandFailed(ILogger logger, Exception exception);
}
