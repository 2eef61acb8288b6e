using System.Text;
using OrleansKv.Grains;

namespace OrleansKv.Server.Protocols.Text;

/// <summary>The verbs of the text protocol.</summary>
internal enum TextVerb
{
    Auth,
    Set,
    Get,
    Delete,
    Quit,
}

/// <summary>One parsed line of the text protocol: <c>AUTH token</c>, <c>SET key value</c>, <c>GET key</c>,
/// <c>DELETE key</c> or <c>QUIT</c>. The verb is case-insensitive; a SET value is the rest of the line, spaces included.</summary>
internal readonly record struct TextCommand(TextVerb Verb, string Argument, byte[]? Value)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses a line (without its line end); false with the message for the ERROR line when it is not a command.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out TextCommand command, out string error)
    {
        command = default;
        var space = line.IndexOf((byte)' ');
        var verbBytes = space < 0 ? line : line[..space];
        var rest = space < 0 ? ReadOnlySpan<byte>.Empty : line[(space + 1)..];
        TextVerb verb;
        if (Ascii.EqualsIgnoreCase(verbBytes, "SET"u8))
        {
            verb = TextVerb.Set;
        }
        else if (Ascii.EqualsIgnoreCase(verbBytes, "GET"u8))
        {
            verb = TextVerb.Get;
        }
        else if (Ascii.EqualsIgnoreCase(verbBytes, "DELETE"u8))
        {
            verb = TextVerb.Delete;
        }
        else if (Ascii.EqualsIgnoreCase(verbBytes, "AUTH"u8))
        {
            verb = TextVerb.Auth;
        }
        else if (Ascii.EqualsIgnoreCase(verbBytes, "QUIT"u8))
        {
            verb = TextVerb.Quit;
        }
        else
        {
            error = verbBytes.IsEmpty ? "empty command" : "unknown command (AUTH, SET, GET, DELETE, QUIT)";
            return false;
        }

        switch (verb)
        {
            case TextVerb.Quit when rest.IsEmpty:
                break;
            case TextVerb.Quit:
                error = "usage: QUIT";
                return false;
            case TextVerb.Set:
                var keyEnd = rest.IndexOf((byte)' ');
                if (keyEnd <= 0)
                {
                    error = "usage: SET <key> <value>";
                    return false;
                }

                if (!TryKey(rest[..keyEnd], out var setKey, out error))
                {
                    return false;
                }

                command = new TextCommand(verb, setKey, rest[(keyEnd + 1)..].ToArray());
                error = string.Empty;
                return true;
            default:
                if (rest.IsEmpty || rest.IndexOf((byte)' ') >= 0)
                {
                    error = verb == TextVerb.Auth ? "usage: AUTH <token>" : $"usage: {verb.ToString().ToUpperInvariant()} <key>";
                    return false;
                }

                if (verb == TextVerb.Auth)
                {
                    command = new TextCommand(verb, Encoding.UTF8.GetString(rest), null);
                    error = string.Empty;
                    return true;
                }

                if (!TryKey(rest, out var key, out error))
                {
                    return false;
                }

                command = new TextCommand(verb, key, null);
                return true;
        }

        command = new TextCommand(verb, string.Empty, null);
        error = string.Empty;
        return true;
    }

    private static bool TryKey(ReadOnlySpan<byte> bytes, out string key, out string error)
    {
        key = string.Empty;
        try
        {
            key = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            error = "the key is not valid UTF-8";
            return false;
        }

        if (KeyRules.ValidateKey(key) is { } problem)
        {
            error = problem;
            return false;
        }

        error = string.Empty;
        return true;
    }
}
