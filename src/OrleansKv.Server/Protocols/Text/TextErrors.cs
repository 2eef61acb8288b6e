using OrleansKv.Grains;

namespace OrleansKv.Server.Protocols.Text;

/// <summary>
/// The text protocol's one translation of an error into its <c>ERROR &lt;message&gt;</c> line: the protocol has no
/// codes, so the line carries the error's sentence, and nothing of an internal failure.
/// </summary>
internal static class TextErrors
{
    public static string Message(KvError error) => error.Code == KvErrorCode.Internal ? "internal error" : error.Message;
}
