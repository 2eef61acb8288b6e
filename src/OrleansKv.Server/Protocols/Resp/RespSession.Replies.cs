using OrleansKv.Grains;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>Answers of planned key commands, from the results of their grain operations.</summary>
internal sealed partial class RespSession
{
    private void Reply(in PlannedCommand planned, IReadOnlyList<KeyOpResult> results)
    {
        if (planned.Error is { } error)
        {
            _writer.Error(error);
            return;
        }

        if (planned.Count == 0)
        {
            if (planned.Local is { } local)
            {
                _writer.Bulk(local);
            }
            else
            {
                _writer.Simple("PONG"u8);
            }

            return;
        }

        var first = results[planned.Start];
        if (first.Status == KeyOpStatus.Error)
        {
            _writer.Error(first.Error ?? "ERR failed");
            return;
        }

        switch (planned.Id)
        {
            case RespCommandId.Get or RespCommandId.GetDel or RespCommandId.GetEx:
                _writer.BulkOrNull(first.Status == KeyOpStatus.Ok ? first.Value : null);
                break;
            case RespCommandId.Set when planned.ReturnsOld:
                _writer.BulkOrNull(first.Value);
                break;
            case RespCommandId.Set:
                if (first.Status == KeyOpStatus.Ok)
                {
                    _writer.Ok();
                }
                else
                {
                    _writer.Null();
                }

                break;
            case RespCommandId.MGet:
                _writer.Array(planned.Count);
                for (var i = 0; i < planned.Count; i++)
                {
                    var each = results[planned.Start + i];
                    _writer.BulkOrNull(each.Status == KeyOpStatus.Ok ? each.Value : null);
                }

                break;
            case RespCommandId.Del or RespCommandId.Unlink or RespCommandId.Exists:
                long count = 0;
                for (var i = 0; i < planned.Count; i++)
                {
                    count += results[planned.Start + i].Status == KeyOpStatus.Ok ? 1 : 0;
                }

                _writer.Integer(count);
                break;
            case RespCommandId.MSet or RespCommandId.SetEx or RespCommandId.PSetEx or RespCommandId.Rename or RespCommandId.FlushDb or RespCommandId.FlushAll:
                _writer.Ok();
                break;
            case RespCommandId.Append or RespCommandId.Incr or RespCommandId.Decr or RespCommandId.IncrBy or RespCommandId.DecrBy:
                _writer.Integer(first.Number);
                break;
            case RespCommandId.IncrByFloat:
                _writer.Bulk(first.Value!);
                break;
            case RespCommandId.StrLen:
                _writer.Integer(first.Status == KeyOpStatus.Ok ? first.Number : 0);
                break;
            case RespCommandId.Ttl or RespCommandId.PTtl:
                _writer.Integer(first.Status != KeyOpStatus.Ok ? -2
                    : first.ExpiresAt is not { } at ? -1
                    : Remaining(at, planned.Id == RespCommandId.Ttl));
                break;
            case RespCommandId.Type:
                _writer.Simple(first.Status == KeyOpStatus.Ok ? "string"u8 : "none"u8);
                break;
            default:
                // SETNX, MSETNX, EXPIRE family, PERSIST, RENAMENX, COPY: 1 when applied, else 0.
                _writer.Integer(first.Status == KeyOpStatus.Ok ? 1 : 0);
                break;
        }
    }

    private long Remaining(long expiresAt, bool seconds)
    {
        var ms = Math.Max(0, expiresAt - _time.GetUtcNow().ToUnixTimeMilliseconds());
        return seconds ? (ms + 500) / 1000 : ms;
    }
}
