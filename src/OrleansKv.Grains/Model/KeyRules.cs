using System.Text;
using System.Text.RegularExpressions;

namespace OrleansKv.Grains;

/// <summary>The limits and name rules every edge and the grain enforce alike.</summary>
public static partial class KeyRules
{
    /// <summary>Longest key, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>Most operations in one batch.</summary>
    public const int MaxBatchOperations = 1000;

    /// <summary>Most keys one listing page returns over REST.</summary>
    public const int MaxListLimit = 1000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Checks a key: 1–1024 bytes of well-formed UTF-8 (no lone surrogates). Returns an error sentence or null.</summary>
    public static string? ValidateKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "The key is empty; keys are 1 to 1024 bytes of UTF-8.";
        }

        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(key);
        }
        catch (EncoderFallbackException)
        {
            return "The key is not valid UTF-8 text.";
        }

        return bytes > MaxKeyBytes ? $"The key is {bytes} bytes long; keys are at most {MaxKeyBytes} bytes of UTF-8." : null;
    }

    /// <summary>Checks a namespace name: 1–128 of <c>[A-Za-z0-9._-]</c>, starting with a letter or digit.</summary>
    public static bool IsValidNamespace(string? name) => name is not null && NamespacePattern().IsMatch(name);

    /// <summary>UTF-8 byte length of a key (valid keys only).</summary>
    public static int KeyBytes(string key) => Encoding.UTF8.GetByteCount(key);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamespacePattern();
}
