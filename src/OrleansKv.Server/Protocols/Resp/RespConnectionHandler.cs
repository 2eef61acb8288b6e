using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OrleansKv.Server.Auth;
using OrleansKv.Server.Configuration;
using OrleansKv.Server.Namespaces;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>
/// The Redis protocol on RESP_PORT. Pipelined commands are read from one buffer and answered in order with one
/// flush; a malformed request is answered with Redis' protocol error and the connection closes.
/// </summary>
internal sealed partial class RespConnectionHandler(
    NamespaceCalls calls,
    CredentialAuthenticator authenticator,
    RespServerInfo server,
    ConnectionIds ids,
    TimeProvider time,
    IOptions<LimitsOptions> options,
    IOptions<KestrelServerOptions> kestrel,
    ILogger<RespConnectionHandler> logger) : ConnectionHandler
{
    /// <summary>The longest bulk string: a largest value, with room for a key.</summary>
    private readonly long _maxBulk = Math.Max(options.Value.MaxValueBytes, 64 * 1024);

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var writer = new RespWriter(output);
        var session = new RespSession(calls, new ConnectionCredential(authenticator, time), writer, server, ids.Next(), time, logger);
        var request = new RespRequest();
        using var reader = new IdleReader(input, kestrel.Value.Limits.KeepAliveTimeout, connection.ConnectionClosed);
        server.Connected();
        try
        {
            while (await reader.ReadAsync() is { } result)
            {
                var buffer = result.Buffer;
                var close = false;
                try
                {
                    while (!close && RespParser.TryRead(ref buffer, request, _maxBulk))
                    {
                        if (session.TryBatch(request))
                        {
                            if (session.BatchFull)
                            {
                                await session.RunBatchAsync(connection.ConnectionClosed);
                            }

                            continue;
                        }

                        await session.RunBatchAsync(connection.ConnectionClosed);
                        close = await session.ExecuteAsync(request, connection.ConnectionClosed);
                    }
                }
                catch (RespProtocolException ex)
                {
                    // What came before the malformed request is answered first.
                    await session.RunBatchAsync(connection.ConnectionClosed);
                    writer.Error(ex.Message);
                    close = true;
                }

                await session.RunBatchAsync(connection.ConnectionClosed);

                input.AdvanceTo(buffer.Start, buffer.End);
                var flushed = await output.FlushAsync();
                if (close || result.IsCompleted || flushed.IsCompleted)
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
            server.Disconnected();
            await output.CompleteAsync();
            await input.CompleteAsync();
        }
    }
}
