using OrleansKv.Grains;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>
/// SCAN and KEYS over the namespace's ordered listing: the literal start of a MATCH pattern is the listing's prefix,
/// the rest of the pattern filters. A SCAN cursor is a number this connection maps to the last key it returned.
/// </summary>
internal sealed partial class RespSession
{
    private const int MaxCursors = 64;
    private readonly Dictionary<long, string> _cursors = [];
    private long _lastCursor;

    /// <summary>SCAN cursor [MATCH pattern] [COUNT count] [TYPE type].</summary>
    private async ValueTask ScanAsync(RespRequest request, CancellationToken cancellationToken)
    {
        if (!TryInteger(request, 1, out var cursor) || cursor < 0)
        {
            _writer.Error("ERR invalid cursor");
            return;
        }

        var pattern = "*";
        long count = 10;
        var onlyStrings = true;
        for (var i = 2; i < request.Count; i++)
        {
            if (request.Is(i, "MATCH"u8) && i + 1 < request.Count)
            {
                pattern = request.Text(++i);
            }
            else if (request.Is(i, "COUNT"u8) && i + 1 < request.Count)
            {
                if (!TryInteger(request, ++i, out count))
                {
                    _writer.Error(NotInteger);
                    return;
                }

                if (count < 1)
                {
                    _writer.Error("ERR syntax error");
                    return;
                }
            }
            else if (request.Is(i, "TYPE"u8) && i + 1 < request.Count)
            {
                onlyStrings = request.Is(++i, "string"u8);
            }
            else
            {
                _writer.Error("ERR syntax error");
                return;
            }
        }

        string? after = null;
        if (cursor != 0 && !_cursors.Remove(cursor, out after))
        {
            _writer.Error("ERR invalid cursor");
            return;
        }

        var prefix = RespGlob.LiteralPrefix(pattern, out var exact);
        var limit = (int)Math.Min(count, 10_000);
        var matched = new List<string>();
        string? last = null;
        var seen = 0;
        await foreach (var item in calls.ListAsync(Namespace, new ListQuery(prefix, after, limit), Math.Min(limit, 256), cancellationToken))
        {
            seen++;
            last = item.Key;
            if (onlyStrings && (exact ? item.Key == pattern : RespGlob.IsMatch(pattern, item.Key)))
            {
                matched.Add(item.Key);
            }
        }

        long next = 0;
        if (seen == limit && last is not null)
        {
            if (_cursors.Count >= MaxCursors)
            {
                _cursors.Remove(_cursors.Keys.Min());
            }

            next = ++_lastCursor;
            _cursors[next] = last;
        }

        _writer.Array(2);
        _writer.Bulk(next.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _writer.Array(matched.Count);
        foreach (var key in matched)
        {
            _writer.Bulk(key);
        }
    }

    /// <summary>KEYS pattern: every matching key, in byte order.</summary>
    private async ValueTask KeysAsync(RespRequest request, CancellationToken cancellationToken)
    {
        var pattern = request.Text(1);
        var prefix = RespGlob.LiteralPrefix(pattern, out var exact);
        var matched = new List<string>();
        await foreach (var item in calls.ListAsync(Namespace, new ListQuery(prefix, null, 0), 256, cancellationToken))
        {
            if (exact ? item.Key == pattern : RespGlob.IsMatch(pattern, item.Key))
            {
                matched.Add(item.Key);
            }

            if (exact)
            {
                break;
            }
        }

        _writer.Array(matched.Count);
        foreach (var key in matched)
        {
            _writer.Bulk(key);
        }
    }
}
