using OrleansKv.Grains;

namespace OrleansKv.Server.Protocols.Resp;

/// <summary>
/// The RESP edge's one translation of an error code into a Redis error reply: Redis's own prefixes where Redis has
/// one (<c>NOAUTH</c>, <c>NOPERM</c>), <c>ERR</c> for the rest, as redis-cli and client libraries expect.
/// </summary>
internal static class RespErrors
{
    public static string Prefix(KvErrorCode code) => code switch
    {
        KvErrorCode.Unauthenticated => "NOAUTH",
        KvErrorCode.Forbidden => "NOPERM",
        _ => "ERR",
    };

    /// <summary>The error reply's text (without the leading <c>-</c>).</summary>
    public static string Reply(KvError error) => Prefix(error.Code) + " " + error.Message;
}
