using System.Buffers;
using System.Buffers.Text;
using System.Text;
using OrleansKv.Grains;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>A key command turned into grain operations: which of them it owns, and how to answer from their results.</summary>
/// <param name="Id">The command.</param>
/// <param name="Start">Its first operation in the call's list.</param>
/// <param name="Count">How many operations it owns.</param>
/// <param name="ReturnsOld">SET ... GET: answer the replaced value.</param>
/// <param name="Local">A reply that needs no grain (PING, ECHO), as a bulk value; null for none.</param>
/// <param name="Error">The error a malformed command answers (nothing was planned).</param>
internal readonly record struct PlannedCommand(RespCommandId Id, int Start, int Count, bool ReturnsOld = false, byte[]? Local = null, string? Error = null);

/// <summary>Planning: from the arguments of a key command to <see cref="KeyOperation"/>s, checking syntax as Redis does.</summary>
internal sealed partial class RespSession
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static PlannedCommand Fail(RespCommandId id, string error) => new(id, 0, 0, Error: error);

    /// <summary>Plans <paramref name="request"/> into <paramref name="ops"/>; a command that fails to plan adds nothing.</summary>
    private PlannedCommand Plan(RespCommandSpec spec, RespRequest request, List<KeyOperation> ops)
    {
        var id = spec.Id;
        var start = ops.Count;
        string? error = null;
        switch (id)
        {
            case RespCommandId.Ping:
                return new PlannedCommand(id, start, 0, Local: request.Count > 1 ? request.Bytes(1) : null);
            case RespCommandId.Echo:
                return new PlannedCommand(id, start, 0, Local: request.Bytes(1));
            case RespCommandId.Set:
                return PlanSet(request, ops);
            case RespCommandId.GetEx:
                return PlanGetEx(request, ops);
            case RespCommandId.Expire or RespCommandId.PExpire or RespCommandId.ExpireAt or RespCommandId.PExpireAt:
                return PlanExpire(spec, request, ops);
            case RespCommandId.MSet or RespCommandId.MSetNx:
                if (request.Count % 2 == 0)
                {
                    return Fail(id, WrongArity(spec));
                }

                var pairs = new KeyValuePair<string, byte[]>[(request.Count - 1) / 2];
                for (var i = 0; i < pairs.Length; i++)
                {
                    if (!TryKey(request, 1 + (2 * i), out var pairKey, out error))
                    {
                        return Fail(id, error);
                    }

                    pairs[i] = new(pairKey, request.Bytes(2 + (2 * i)));
                }

                ops.Add(new KeyOperation(KeyOpKind.SetMany, pairs[0].Key, Pairs: pairs, Conditions: id == RespCommandId.MSetNx ? KeyOpConditions.IfAbsent : KeyOpConditions.None));
                return new PlannedCommand(id, start, 1);
            case RespCommandId.MGet or RespCommandId.Del or RespCommandId.Unlink or RespCommandId.Exists:
                var kind = id switch { RespCommandId.MGet => KeyOpKind.Get, RespCommandId.Exists => KeyOpKind.Inspect, _ => KeyOpKind.Delete };
                for (var i = 1; i < request.Count; i++)
                {
                    if (!TryKey(request, i, out var each, out error))
                    {
                        ops.RemoveRange(start, ops.Count - start);
                        return Fail(id, error);
                    }

                    ops.Add(new KeyOperation(kind, each));
                }

                return new PlannedCommand(id, start, ops.Count - start);
            case RespCommandId.FlushDb or RespCommandId.FlushAll:
                if (request.Count > 2 || (request.Count == 2 && !request.Is(1, "ASYNC"u8) && !request.Is(1, "SYNC"u8)))
                {
                    return Fail(id, "ERR syntax error");
                }

                ops.Add(new KeyOperation(KeyOpKind.Flush, string.Empty));
                return new PlannedCommand(id, start, 1);
        }

        if (!TryKey(request, 1, out var key, out error))
        {
            return Fail(id, error);
        }

        KeyOperation op;
        switch (id)
        {
            case RespCommandId.Get:
                op = new KeyOperation(KeyOpKind.Get, key);
                break;
            case RespCommandId.SetNx:
                op = new KeyOperation(KeyOpKind.Set, key, request.Bytes(2), Conditions: KeyOpConditions.IfAbsent);
                break;
            case RespCommandId.SetEx or RespCommandId.PSetEx:
                if (!TryInteger(request, 2, out var ttl))
                {
                    return Fail(id, NotInteger);
                }

                if (ttl <= 0 || !TryMilliseconds(ttl, id == RespCommandId.SetEx, out var ttlMs))
                {
                    return Fail(id, $"ERR invalid expire time in '{spec.Name}' command");
                }

                op = new KeyOperation(KeyOpKind.Set, key, request.Bytes(3), TtlMs: ttlMs);
                break;
            case RespCommandId.GetDel:
                op = new KeyOperation(KeyOpKind.GetDelete, key);
                break;
            case RespCommandId.Append:
                op = new KeyOperation(KeyOpKind.Append, key, request.Bytes(2));
                break;
            case RespCommandId.StrLen or RespCommandId.Ttl or RespCommandId.PTtl or RespCommandId.Type:
                op = new KeyOperation(KeyOpKind.Inspect, key);
                break;
            case RespCommandId.Incr or RespCommandId.Decr:
                op = new KeyOperation(KeyOpKind.IncrementBy, key, By: id == RespCommandId.Incr ? 1 : -1);
                break;
            case RespCommandId.IncrBy or RespCommandId.DecrBy:
                if (!TryInteger(request, 2, out var by))
                {
                    return Fail(id, NotInteger);
                }

                if (id == RespCommandId.DecrBy && by == long.MinValue)
                {
                    return Fail(id, "ERR decrement would overflow");
                }

                op = new KeyOperation(KeyOpKind.IncrementBy, key, By: id == RespCommandId.IncrBy ? by : -by);
                break;
            case RespCommandId.IncrByFloat:
                if (!TryFloat(request, 2, out var increment))
                {
                    return Fail(id, "ERR value is not a valid float");
                }

                op = new KeyOperation(KeyOpKind.IncrementByFloat, key, ByFloat: increment);
                break;
            case RespCommandId.Persist:
                op = new KeyOperation(KeyOpKind.Persist, key);
                break;
            case RespCommandId.Rename or RespCommandId.RenameNx:
                if (!TryKey(request, 2, out var renamed, out error))
                {
                    return Fail(id, error);
                }

                op = new KeyOperation(KeyOpKind.Rename, key, Target: renamed, Conditions: id == RespCommandId.RenameNx ? KeyOpConditions.IfAbsent : KeyOpConditions.None);
                break;
            case RespCommandId.Copy:
                if (!TryKey(request, 2, out var copied, out error))
                {
                    return Fail(id, error);
                }

                var conditions = KeyOpConditions.None;
                for (var i = 3; i < request.Count; i++)
                {
                    if (request.Is(i, "REPLACE"u8))
                    {
                        conditions |= KeyOpConditions.Replace;
                    }
                    else if (request.Is(i, "DB"u8) && i + 1 < request.Count)
                    {
                        if (!TryInteger(request, ++i, out var db))
                        {
                            return Fail(id, NotInteger);
                        }

                        if (db != 0)
                        {
                            return Fail(id, "ERR DB index is out of range");
                        }
                    }
                    else
                    {
                        return Fail(id, "ERR syntax error");
                    }
                }

                op = new KeyOperation(KeyOpKind.Copy, key, Target: copied, Conditions: conditions);
                break;
            default:
                throw new InvalidOperationException($"{spec.Name} is not a key command.");
        }

        ops.Add(op);
        return new PlannedCommand(id, start, 1);
    }

    /// <summary>SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL].</summary>
    private static PlannedCommand PlanSet(RespRequest request, List<KeyOperation> ops)
    {
        const RespCommandId id = RespCommandId.Set;
        if (!TryKey(request, 1, out var key, out var error))
        {
            return Fail(id, error);
        }

        var conditions = KeyOpConditions.None;
        long? ttlMs = null;
        long? expiresAt = null;
        var expirySeen = false;
        for (var i = 3; i < request.Count; i++)
        {
            if (request.Is(i, "NX"u8) && !conditions.HasFlag(KeyOpConditions.IfExists))
            {
                conditions |= KeyOpConditions.IfAbsent;
            }
            else if (request.Is(i, "XX"u8) && !conditions.HasFlag(KeyOpConditions.IfAbsent))
            {
                conditions |= KeyOpConditions.IfExists;
            }
            else if (request.Is(i, "GET"u8))
            {
                conditions |= KeyOpConditions.ReturnOld;
            }
            else if (request.Is(i, "KEEPTTL"u8) && !expirySeen)
            {
                expirySeen = true;
                conditions |= KeyOpConditions.KeepTtl;
            }
            else if (!expirySeen && i + 1 < request.Count && ExpiryUnit(request, i) is { } unit)
            {
                expirySeen = true;
                if (!TryInteger(request, ++i, out var amount))
                {
                    return Fail(id, NotInteger);
                }

                if (amount <= 0 || !TryMilliseconds(amount, unit.Seconds, out var ms))
                {
                    return Fail(id, "ERR invalid expire time in 'set' command");
                }

                if (unit.Absolute)
                {
                    expiresAt = ms;
                }
                else
                {
                    ttlMs = ms;
                }
            }
            else
            {
                return Fail(id, "ERR syntax error");
            }
        }

        ops.Add(new KeyOperation(KeyOpKind.Set, key, request.Bytes(2), ExpiresAt: expiresAt, TtlMs: ttlMs, Conditions: conditions));
        return new PlannedCommand(id, ops.Count - 1, 1, ReturnsOld: conditions.HasFlag(KeyOpConditions.ReturnOld));
    }

    /// <summary>GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST].</summary>
    private static PlannedCommand PlanGetEx(RespRequest request, List<KeyOperation> ops)
    {
        const RespCommandId id = RespCommandId.GetEx;
        if (!TryKey(request, 1, out var key, out var error))
        {
            return Fail(id, error);
        }

        KeyOperation? change = null;
        if (request.Count == 3 && request.Is(2, "PERSIST"u8))
        {
            change = new KeyOperation(KeyOpKind.Persist, key);
        }
        else if (request.Count == 4 && ExpiryUnit(request, 2) is { } unit)
        {
            if (!TryInteger(request, 3, out var amount))
            {
                return Fail(id, NotInteger);
            }

            if (amount <= 0 || !TryMilliseconds(amount, unit.Seconds, out var ms))
            {
                return Fail(id, "ERR invalid expire time in 'getex' command");
            }

            change = unit.Absolute ? new KeyOperation(KeyOpKind.SetExpiry, key, ExpiresAt: ms) : new KeyOperation(KeyOpKind.SetExpiry, key, TtlMs: ms);
        }
        else if (request.Count != 2)
        {
            return Fail(id, "ERR syntax error");
        }

        var start = ops.Count;
        ops.Add(new KeyOperation(KeyOpKind.Get, key));
        if (change is not null)
        {
            ops.Add(change);
        }

        return new PlannedCommand(id, start, ops.Count - start);
    }

    /// <summary>EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT key n [NX | XX | GT | LT].</summary>
    private PlannedCommand PlanExpire(RespCommandSpec spec, RespRequest request, List<KeyOperation> ops)
    {
        var id = spec.Id;
        if (!TryKey(request, 1, out var key, out var error))
        {
            return Fail(id, error);
        }

        if (!TryInteger(request, 2, out var amount))
        {
            return Fail(id, NotInteger);
        }

        var conditions = KeyOpConditions.None;
        for (var i = 3; i < request.Count; i++)
        {
            conditions |= request.Is(i, "NX"u8) ? KeyOpConditions.IfAbsent
                : request.Is(i, "XX"u8) ? KeyOpConditions.IfExists
                : request.Is(i, "GT"u8) ? KeyOpConditions.IfGreater
                : request.Is(i, "LT"u8) ? KeyOpConditions.IfLess
                : KeyOpConditions.Replace;
            if (conditions.HasFlag(KeyOpConditions.Replace))
            {
                return Fail(id, $"ERR Unsupported option {request.Text(i)}");
            }
        }

        if (conditions.HasFlag(KeyOpConditions.IfAbsent) && conditions != KeyOpConditions.IfAbsent)
        {
            return Fail(id, "ERR NX and XX, GT or LT options at the same time are not compatible");
        }

        if (conditions.HasFlag(KeyOpConditions.IfGreater) && conditions.HasFlag(KeyOpConditions.IfLess))
        {
            return Fail(id, "ERR GT and LT options at the same time are not compatible");
        }

        var seconds = id is RespCommandId.Expire or RespCommandId.ExpireAt;
        var absolute = id is RespCommandId.ExpireAt or RespCommandId.PExpireAt;
        if (!TryMilliseconds(amount, seconds, out var ms) || (!absolute && amount > 0 && ms > long.MaxValue - _time.GetUtcNow().ToUnixTimeMilliseconds()))
        {
            return Fail(id, $"ERR invalid expire time in '{spec.Name}' command");
        }

        ops.Add(absolute
            ? new KeyOperation(KeyOpKind.SetExpiry, key, ExpiresAt: ms, Conditions: conditions)
            : new KeyOperation(KeyOpKind.SetExpiry, key, TtlMs: ms, Conditions: conditions));
        return new PlannedCommand(id, ops.Count - 1, 1);
    }

    private static (bool Seconds, bool Absolute)? ExpiryUnit(RespRequest request, int index) =>
        request.Is(index, "EX"u8) ? (true, false)
        : request.Is(index, "PX"u8) ? (false, false)
        : request.Is(index, "EXAT"u8) ? (true, true)
        : request.Is(index, "PXAT"u8) ? (false, true)
        : null;

    private static bool TryMilliseconds(long amount, bool seconds, out long ms)
    {
        ms = amount;
        if (!seconds)
        {
            return true;
        }

        if (amount > long.MaxValue / 1000 || amount < long.MinValue / 1000)
        {
            return false;
        }

        ms = amount * 1000;
        return true;
    }

    private const string NotInteger = "ERR value is not an integer or out of range";

    /// <summary>A key argument: UTF-8 text of 1 to 1024 bytes.</summary>
    private static bool TryKey(RespRequest request, int index, out string key, out string error)
    {
        key = string.Empty;
        error = string.Empty;
        try
        {
            key = StrictUtf8.GetString(request[index]);
        }
        catch (DecoderFallbackException)
        {
            error = "ERR invalid key: keys are UTF-8 text";
            return false;
        }

        if (KeyRules.ValidateKey(key) is { } problem)
        {
            error = "ERR invalid key: " + problem;
            return false;
        }

        return true;
    }

    private static bool TryInteger(RespRequest request, int index, out long value)
    {
        value = 0;
        var arg = request[index];
        if (arg.Length is 0 or > 20)
        {
            return false;
        }

        Span<byte> digits = stackalloc byte[20];
        arg.CopyTo(digits);
        return Utf8Parser.TryParse(digits[..(int)arg.Length], out value, out var consumed) && consumed == arg.Length;
    }

    private static bool TryFloat(RespRequest request, int index, out double value)
    {
        value = 0;
        var arg = request[index];
        if (arg.Length is 0 or > 256)
        {
            return false;
        }

        Span<byte> text = stackalloc byte[256];
        arg.CopyTo(text);
        return double.TryParse(text[..(int)arg.Length], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }
}
