namespace OrleansKv.Server.Protocols.Resp;

/// <summary>AUTH, HELLO and RESET: signing in and the protocol version.</summary>
internal sealed partial class RespSession
{
    private const string WrongPass = "WRONGPASS invalid username-password pair or user is disabled.";

    /// <summary>AUTH token, or AUTH user token (the user name is not checked: the token names the namespace).</summary>
    private async ValueTask AuthAsync(RespRequest request, CancellationToken cancellationToken)
    {
        if (request.Count > 3)
        {
            _writer.Error("ERR syntax error");
            return;
        }

        if (await SignInAsync(request.Text(request.Count - 1), cancellationToken) is { } failure)
        {
            _writer.Error(failure);
            return;
        }

        _writer.Ok();
    }

    /// <summary>HELLO [protover [AUTH user token] [SETNAME name]].</summary>
    private async ValueTask HelloAsync(RespRequest request, CancellationToken cancellationToken)
    {
        var protocol = _writer.Protocol;
        if (request.Count > 1)
        {
            if (!TryInteger(request, 1, out var wanted))
            {
                _writer.Error("ERR Protocol version is not an integer or out of range");
                return;
            }

            if (wanted is not (2 or 3))
            {
                _writer.Error("NOPROTO unsupported protocol version");
                return;
            }

            protocol = (int)wanted;
        }

        string? token = null;
        string? name = null;
        for (var i = 2; i < request.Count; i++)
        {
            if (request.Is(i, "AUTH"u8) && i + 2 < request.Count)
            {
                token = request.Text(i + 2);
                i += 2;
            }
            else if (request.Is(i, "SETNAME"u8) && i + 1 < request.Count)
            {
                name = request.Text(++i);
            }
            else
            {
                _writer.Error($"ERR Syntax error in HELLO option '{request.Text(i)}'");
                return;
            }
        }

        if (token is not null && await SignInAsync(token, cancellationToken) is { } failure)
        {
            _writer.Error(failure);
            return;
        }

        if (credential.Principal is null)
        {
            _writer.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return;
        }

        if (name is not null)
        {
            _name = name;
        }

        _writer.Protocol = protocol;
        _writer.Map(7);
        _writer.Bulk("server"u8);
        _writer.Bulk("redis"u8);
        _writer.Bulk("version"u8);
        _writer.Bulk(RespServerInfo.RedisVersion);
        _writer.Bulk("proto"u8);
        _writer.Integer(protocol);
        _writer.Bulk("id"u8);
        _writer.Integer(Id);
        _writer.Bulk("mode"u8);
        _writer.Bulk("standalone"u8);
        _writer.Bulk("role"u8);
        _writer.Bulk("master"u8);
        _writer.Bulk("modules"u8);
        _writer.Array(0);
    }

    /// <summary>RESET: back to a new connection's state (signed out, RESP2, no name, no transaction).</summary>
    private void Reset()
    {
        _queued = null;
        _queueFailed = false;
        _name = null;
        _cursors.Clear();
        credential.SignOut();
        _writer.Protocol = 2;
        _writer.Simple("RESET"u8);
    }

    /// <summary>Checks a token; null when signed in, else the error to answer.</summary>
    private async ValueTask<string?> SignInAsync(string token, CancellationToken cancellationToken)
    {
        var result = await credential.SignInAsync(token, cancellationToken);
        return result.Principal is null || credential.Principal is null ? WrongPass : null;
    }
}
