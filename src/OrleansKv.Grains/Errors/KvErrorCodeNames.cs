using System.Text;

namespace OrleansKv.Grains;

/// <summary>The wire names of <see cref="KvErrorCode"/>: the member name in snake_case (<c>InvalidKey</c> → <c>invalid_key</c>).</summary>
public static class KvErrorCodeNames
{
    private static readonly string[] Names = [.. Enum.GetValues<KvErrorCode>().Select(code => SnakeCase(code.ToString()))];

    /// <summary>The code's wire name.</summary>
    public static string Name(this KvErrorCode code) => Names[(int)code];

    private static string SnakeCase(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 4);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
