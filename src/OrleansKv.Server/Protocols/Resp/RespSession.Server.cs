using System.Text;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>SELECT, CLIENT, INFO, CONFIG and COMMAND: what clients and tools ask about the connection and server.</summary>
internal sealed partial class RespSession
{
    private void Select(RespRequest request)
    {
        if (!TryInteger(request, 1, out var db))
        {
            _writer.Error(NotInteger);
        }
        else if (db != 0)
        {
            _writer.Error("ERR DB index is out of range");
        }
        else
        {
            _writer.Ok();
        }
    }

    /// <summary>CLIENT SETNAME / GETNAME / ID / INFO / SETINFO.</summary>
    private void Client(RespRequest request)
    {
        if (request.Is(1, "ID"u8) && request.Count == 2)
        {
            _writer.Integer(Id);
        }
        else if (request.Is(1, "GETNAME"u8) && request.Count == 2)
        {
            if (_name is null)
            {
                _writer.Null();
            }
            else
            {
                _writer.Bulk(_name);
            }
        }
        else if (request.Is(1, "SETNAME"u8) && request.Count == 3)
        {
            var name = request.Text(2);
            if (name.AsSpan().IndexOfAnyInRange('\0', ' ') >= 0)
            {
                _writer.Error("ERR Client names cannot contain spaces, newlines or special characters.");
                return;
            }

            _name = name.Length == 0 ? null : name;
            _writer.Ok();
        }
        else if (request.Is(1, "SETINFO"u8) && request.Count == 4)
        {
            _writer.Ok();
        }
        else if (request.Is(1, "INFO"u8) && request.Count == 2)
        {
            _writer.Bulk($"id={Id} name={_name} db=0 multi={(_queued is null ? -1 : _queued.Count)} resp={_writer.Protocol} lib-name= lib-ver=\n");
        }
        else
        {
            _writer.Error($"ERR unknown subcommand or wrong number of arguments for '{request.Text(1)}'. Try CLIENT HELP.");
        }
    }

    /// <summary>INFO [section ...]: server, clients and keyspace.</summary>
    private async ValueTask InfoAsync(RespRequest request, CancellationToken cancellationToken)
    {
        bool Wants(ReadOnlySpan<byte> section)
        {
            if (request.Count == 1)
            {
                return true;
            }

            for (var i = 1; i < request.Count; i++)
            {
                if (request.Is(i, section) || request.Is(i, "all"u8) || request.Is(i, "everything"u8) || request.Is(i, "default"u8))
                {
                    return true;
                }
            }

            return false;
        }

        var text = new StringBuilder();
        if (Wants("server"u8))
        {
            text.Append("# Server\r\n")
                .Append("redis_version:").Append(Encoding.ASCII.GetString(RespServerInfo.RedisVersion)).Append("\r\n")
                .Append("redis_mode:standalone\r\n")
                .Append("server_name:orleans-kv\r\n")
                .Append("run_id:").Append(server.RunId).Append("\r\n")
                .Append("tcp_port:").Append(server.Port).Append("\r\n")
                .Append("uptime_in_seconds:").Append(server.UptimeSeconds).Append("\r\n")
                .Append("\r\n");
        }

        if (Wants("clients"u8))
        {
            text.Append("# Clients\r\nconnected_clients:").Append(server.ConnectedClients).Append("\r\n\r\n");
        }

        if (Wants("replication"u8))
        {
            text.Append("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n\r\n");
        }

        if (Wants("keyspace"u8))
        {
            var stats = await calls.StatsAsync(Namespace, cancellationToken);
            text.Append("# Keyspace\r\n");
            if (stats.Keys > 0)
            {
                text.Append("db0:keys=").Append(stats.Keys).Append(",expires=0,avg_ttl=0\r\n");
            }
        }

        _writer.Bulk(text.ToString());
    }

    /// <summary>CONFIG GET pattern ...: the read-only values that match; CONFIG RESETSTAT; nothing else.</summary>
    private void Config(RespRequest request)
    {
        if (request.Is(1, "GET"u8) && request.Count >= 3)
        {
            var matched = new List<KeyValuePair<string, string>>();
            foreach (var pair in server.Config)
            {
                for (var i = 2; i < request.Count; i++)
                {
                    if (RespGlob.IsMatch(request.Text(i).ToLowerInvariant(), pair.Key))
                    {
                        matched.Add(pair);
                        break;
                    }
                }
            }

            _writer.Map(matched.Count);
            foreach (var (name, value) in matched)
            {
                _writer.Bulk(name);
                _writer.Bulk(value);
            }
        }
        else if (request.Is(1, "RESETSTAT"u8) && request.Count == 2)
        {
            _writer.Ok();
        }
        else if (request.Is(1, "SET"u8))
        {
            _writer.Error("ERR CONFIG SET is not supported; the server is configured through its environment");
        }
        else
        {
            _writer.Error($"ERR unknown subcommand or wrong number of arguments for '{request.Text(1)}'. Try CONFIG HELP.");
        }
    }

    /// <summary>COMMAND, COMMAND COUNT, COMMAND INFO name..., COMMAND DOCS [name...], COMMAND LIST.</summary>
    private void Command(RespRequest request)
    {
        if (request.Count == 1)
        {
            _writer.Array(RespCommandTable.All.Length);
            foreach (var spec in RespCommandTable.All)
            {
                CommandInfo(spec);
            }
        }
        else if (request.Is(1, "COUNT"u8) && request.Count == 2)
        {
            _writer.Integer(RespCommandTable.All.Length);
        }
        else if (request.Is(1, "LIST"u8) && request.Count == 2)
        {
            _writer.Array(RespCommandTable.All.Length);
            foreach (var spec in RespCommandTable.All)
            {
                _writer.Bulk(spec.Name);
            }
        }
        else if (request.Is(1, "INFO"u8))
        {
            _writer.Array(request.Count - 2);
            for (var i = 2; i < request.Count; i++)
            {
                if (RespCommandTable.TryFind(request[i], out var spec))
                {
                    CommandInfo(spec);
                }
                else
                {
                    _writer.NullArray();
                }
            }
        }
        else if (request.Is(1, "DOCS"u8))
        {
            var specs = new List<RespCommandSpec>();
            foreach (var spec in RespCommandTable.All)
            {
                var wanted = request.Count == 2;
                for (var i = 2; i < request.Count && !wanted; i++)
                {
                    wanted = request.Is(i, Encoding.ASCII.GetBytes(spec.Name));
                }

                if (wanted)
                {
                    specs.Add(spec);
                }
            }

            _writer.Map(specs.Count);
            foreach (var spec in specs)
            {
                _writer.Bulk(spec.Name);
                _writer.Map(2);
                _writer.Bulk("summary"u8);
                _writer.Bulk(spec.Name.ToUpperInvariant() + " (OrleansKv)");
                _writer.Bulk("group"u8);
                _writer.Bulk(spec.Flags.HasFlag(RespCommandFlags.Read) || spec.Flags.HasFlag(RespCommandFlags.Write) ? "string"u8 : "connection"u8);
            }
        }
        else
        {
            _writer.Error($"ERR unknown subcommand or wrong number of arguments for '{request.Text(1)}'. Try COMMAND HELP.");
        }
    }

    private void CommandInfo(RespCommandSpec spec)
    {
        _writer.Array(10);
        _writer.Bulk(spec.Name);
        _writer.Integer(spec.Arity);
        var flags = new List<string>();
        if (spec.Flags.HasFlag(RespCommandFlags.Write))
        {
            flags.Add("write");
        }

        if (spec.Flags.HasFlag(RespCommandFlags.Read))
        {
            flags.Add("readonly");
        }

        if (spec.Flags.HasFlag(RespCommandFlags.NoAuth))
        {
            flags.Add("no_auth");
        }

        _writer.Set(flags.Count);
        foreach (var flag in flags)
        {
            _writer.Simple(flag);
        }

        _writer.Integer(spec.FirstKey);
        _writer.Integer(spec.LastKey);
        _writer.Integer(spec.Step);
        _writer.Set(0);
        _writer.Set(0);
        _writer.Array(0);
        _writer.Array(0);
    }
}
