using System.Buffers;
using System.Collections.Frozen;
using System.Text;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>The commands the RESP endpoint knows.</summary>
internal enum RespCommandId
{
    Get, Set, SetNx, SetEx, PSetEx, GetDel, GetEx, MGet, MSet, MSetNx, Del, Unlink, Exists, Append, StrLen,
    Incr, Decr, IncrBy, DecrBy, IncrByFloat,
    Expire, PExpire, ExpireAt, PExpireAt, Ttl, PTtl, Persist,
    Type, Scan, Keys, DbSize, Rename, RenameNx, Copy, FlushDb, FlushAll,
    Multi, Exec, Discard, Watch, Unwatch,
    Ping, Echo, Select, Client, Info, Config, Command, Quit, Reset, Auth, Hello,
}

/// <summary>What a command needs.</summary>
[Flags]
internal enum RespCommandFlags
{
    None = 0,

    /// <summary>Needs the read scope.</summary>
    Read = 1,

    /// <summary>Needs the write scope.</summary>
    Write = 2,

    /// <summary>Runs before the connection signed in.</summary>
    NoAuth = 4,

    /// <summary>Runs inside MULTI as part of the atomic batch (a key command, or PING/ECHO).</summary>
    Queueable = 8,
}

/// <summary>One command: its name, arity in Redis' convention (n exactly, -n at least n, counting the name), what it
/// needs, and where its keys are (for COMMAND).</summary>
internal sealed record RespCommandSpec(RespCommandId Id, string Name, int Arity, RespCommandFlags Flags, int FirstKey = 0, int LastKey = 0, int Step = 0)
{
    public bool AcceptsArgumentCount(int count) => Arity >= 0 ? count == Arity : count >= -Arity;
}

/// <summary>The command table, looked up by name without allocating.</summary>
internal static class RespCommandTable
{
    private const RespCommandFlags R = RespCommandFlags.Read | RespCommandFlags.Queueable;
    private const RespCommandFlags W = RespCommandFlags.Write | RespCommandFlags.Queueable;

    public static readonly RespCommandSpec[] All =
    [
        new(RespCommandId.Get, "get", 2, R, 1, 1, 1),
        new(RespCommandId.Set, "set", -3, W, 1, 1, 1),
        new(RespCommandId.SetNx, "setnx", 3, W, 1, 1, 1),
        new(RespCommandId.SetEx, "setex", 4, W, 1, 1, 1),
        new(RespCommandId.PSetEx, "psetex", 4, W, 1, 1, 1),
        new(RespCommandId.GetDel, "getdel", 2, W, 1, 1, 1),
        new(RespCommandId.GetEx, "getex", -2, W, 1, 1, 1),
        new(RespCommandId.MGet, "mget", -2, R, 1, -1, 1),
        new(RespCommandId.MSet, "mset", -3, W, 1, -1, 2),
        new(RespCommandId.MSetNx, "msetnx", -3, W, 1, -1, 2),
        new(RespCommandId.Del, "del", -2, W, 1, -1, 1),
        new(RespCommandId.Unlink, "unlink", -2, W, 1, -1, 1),
        new(RespCommandId.Exists, "exists", -2, R, 1, -1, 1),
        new(RespCommandId.Append, "append", 3, W, 1, 1, 1),
        new(RespCommandId.StrLen, "strlen", 2, R, 1, 1, 1),
        new(RespCommandId.Incr, "incr", 2, W, 1, 1, 1),
        new(RespCommandId.Decr, "decr", 2, W, 1, 1, 1),
        new(RespCommandId.IncrBy, "incrby", 3, W, 1, 1, 1),
        new(RespCommandId.DecrBy, "decrby", 3, W, 1, 1, 1),
        new(RespCommandId.IncrByFloat, "incrbyfloat", 3, W, 1, 1, 1),
        new(RespCommandId.Expire, "expire", -3, W, 1, 1, 1),
        new(RespCommandId.PExpire, "pexpire", -3, W, 1, 1, 1),
        new(RespCommandId.ExpireAt, "expireat", -3, W, 1, 1, 1),
        new(RespCommandId.PExpireAt, "pexpireat", -3, W, 1, 1, 1),
        new(RespCommandId.Ttl, "ttl", 2, R, 1, 1, 1),
        new(RespCommandId.PTtl, "pttl", 2, R, 1, 1, 1),
        new(RespCommandId.Persist, "persist", 2, W, 1, 1, 1),
        new(RespCommandId.Type, "type", 2, R, 1, 1, 1),
        new(RespCommandId.Scan, "scan", -2, RespCommandFlags.Read),
        new(RespCommandId.Keys, "keys", 2, RespCommandFlags.Read),
        new(RespCommandId.DbSize, "dbsize", 1, RespCommandFlags.Read),
        new(RespCommandId.Rename, "rename", 3, W, 1, 2, 1),
        new(RespCommandId.RenameNx, "renamenx", 3, W, 1, 2, 1),
        new(RespCommandId.Copy, "copy", -3, W, 1, 2, 1),
        new(RespCommandId.FlushDb, "flushdb", -1, W),
        new(RespCommandId.FlushAll, "flushall", -1, W),
        new(RespCommandId.Multi, "multi", 1, RespCommandFlags.None),
        new(RespCommandId.Exec, "exec", 1, RespCommandFlags.None),
        new(RespCommandId.Discard, "discard", 1, RespCommandFlags.None),
        new(RespCommandId.Watch, "watch", -2, RespCommandFlags.None, 1, -1, 1),
        new(RespCommandId.Unwatch, "unwatch", 1, RespCommandFlags.None),
        new(RespCommandId.Ping, "ping", -1, RespCommandFlags.Queueable),
        new(RespCommandId.Echo, "echo", 2, RespCommandFlags.Queueable),
        new(RespCommandId.Select, "select", 2, RespCommandFlags.None),
        new(RespCommandId.Client, "client", -2, RespCommandFlags.None),
        new(RespCommandId.Info, "info", -1, RespCommandFlags.None),
        new(RespCommandId.Config, "config", -2, RespCommandFlags.None),
        new(RespCommandId.Command, "command", -1, RespCommandFlags.None),
        new(RespCommandId.Quit, "quit", -1, RespCommandFlags.NoAuth),
        new(RespCommandId.Reset, "reset", 1, RespCommandFlags.NoAuth),
        new(RespCommandId.Auth, "auth", -2, RespCommandFlags.NoAuth),
        new(RespCommandId.Hello, "hello", -1, RespCommandFlags.NoAuth),
    ];

    private static readonly FrozenDictionary<string, RespCommandSpec> ByName =
        All.ToFrozenDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, RespCommandSpec>.AlternateLookup<ReadOnlySpan<char>> BySpan =
        ByName.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Finds a command by its name as sent (any case).</summary>
    public static bool TryFind(ReadOnlySequence<byte> name, out RespCommandSpec spec)
    {
        spec = null!;
        if (name.Length is 0 or > 32)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[32];
        name.CopyTo(bytes);
        Span<char> chars = stackalloc char[32];
        var length = Encoding.Latin1.GetChars(bytes[..(int)name.Length], chars);
        return BySpan.TryGetValue(chars[..length], out spec!);
    }
}
