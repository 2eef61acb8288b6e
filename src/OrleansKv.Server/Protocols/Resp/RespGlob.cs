namespace OrleansKv.Server.Protocols.Resp;

/// <summary>Redis' glob patterns (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[^a-z]</c>, <c>\x</c>) over keys.</summary>
internal static class RespGlob
{
    /// <summary>The literal start of a pattern, which an ordered listing can seek to; the whole pattern when it has no glob.</summary>
    public static string LiteralPrefix(string pattern, out bool exact)
    {
        var end = pattern.AsSpan().IndexOfAny("*?[\\");
        exact = end < 0;
        return exact ? pattern : pattern[..end];
    }

    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        while (!pattern.IsEmpty)
        {
            switch (pattern[0])
            {
                case '*':
                    while (pattern.Length > 1 && pattern[1] == '*')
                    {
                        pattern = pattern[1..];
                    }

                    if (pattern.Length == 1)
                    {
                        return true;
                    }

                    for (var i = 0; i <= text.Length; i++)
                    {
                        if (IsMatch(pattern[1..], text[i..]))
                        {
                            return true;
                        }
                    }

                    return false;
                case '?':
                    if (text.IsEmpty)
                    {
                        return false;
                    }

                    text = text[1..];
                    pattern = pattern[1..];
                    break;
                case '[':
                    if (text.IsEmpty || !MatchClass(ref pattern, text[0]))
                    {
                        return false;
                    }

                    text = text[1..];
                    break;
                default:
                    if (pattern[0] == '\\' && pattern.Length > 1)
                    {
                        pattern = pattern[1..];
                    }

                    if (text.IsEmpty || text[0] != pattern[0])
                    {
                        return false;
                    }

                    text = text[1..];
                    pattern = pattern[1..];
                    break;
            }
        }

        return text.IsEmpty;
    }

    /// <summary>Matches one character against the class at the start of <paramref name="pattern"/> and moves past it.</summary>
    private static bool MatchClass(ref ReadOnlySpan<char> pattern, char c)
    {
        pattern = pattern[1..];
        var negate = !pattern.IsEmpty && pattern[0] == '^';
        if (negate)
        {
            pattern = pattern[1..];
        }

        var match = false;
        while (!pattern.IsEmpty && pattern[0] != ']')
        {
            if (pattern[0] == '\\' && pattern.Length > 1)
            {
                pattern = pattern[1..];
                match |= pattern[0] == c;
                pattern = pattern[1..];
            }
            else if (pattern.Length > 2 && pattern[1] == '-' && pattern[2] != ']')
            {
                var (low, high) = pattern[0] <= pattern[2] ? (pattern[0], pattern[2]) : (pattern[2], pattern[0]);
                match |= c >= low && c <= high;
                pattern = pattern[3..];
            }
            else
            {
                match |= pattern[0] == c;
                pattern = pattern[1..];
            }
        }

        if (!pattern.IsEmpty)
        {
            pattern = pattern[1..];
        }

        return negate ? !match : match;
    }
}
