using System.Text;

namespace OrleansKv.Grains;

/// <summary>The wire names of <see cref="KvErrorCode"/>: the member name in snake_case (<c>InvalidKey</c> → <c>invalid_key</c>).</summary>
public static class KvErrorCodeNames
{
    private static readonly string[] Names = [.. Enum.GetValues<KvErrorCode>().Select(code => SnakeCase(code.ToString()))];

    /// <summary>The code's wire name.</summary>
    public static string Name(this KvErrorCode code) => Names[(int)code];

    /// <summary>Whether the code says the request itself is malformed (REST 400, gRPC INVALID_ARGUMENT).</summary>
    public static bool IsBadRequest(this KvErrorCode code) => code is
        KvErrorCode.InvalidArgument or KvErrorCode.InvalidKey or KvErrorCode.InvalidTtl or KvErrorCode.InvalidCondition
        or KvErrorCode.InvalidContentType or KvErrorCode.InvalidValue or KvErrorCode.InvalidOp or KvErrorCode.InvalidPrefix
        or KvErrorCode.InvalidLimit or KvErrorCode.InvalidOffset or KvErrorCode.OffsetTooLarge or KvErrorCode.InvalidCursor
        or KvErrorCode.InvalidNamespace or KvErrorCode.InvalidScopes or KvErrorCode.InvalidLimits or KvErrorCode.MalformedJson
        or KvErrorCode.MissingValue or KvErrorCode.EmptyBatch or KvErrorCode.BatchTooLarge or KvErrorCode.BadRequest;

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
