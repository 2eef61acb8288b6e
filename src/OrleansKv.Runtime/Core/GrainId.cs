using System.Diagnostics.CodeAnalysis;

namespace OrleansKv.Runtime;

/// <summary>
/// The identity of a grain: its type name (a short stable string such as <c>"ns"</c>) and its
/// string key. The same id always denotes the same virtual actor, on whichever silo it is active.
/// </summary>
public readonly record struct GrainId
{
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(key);
        Type = type;
        Key = key;
    }

    /// <summary>The grain type name, as registered with the silo.</summary>
    public string Type { get; }

    /// <summary>The grain key within its type.</summary>
    public string Key { get; }

    /// <summary>Parses the <c>type/key</c> form produced by <see cref="ToString"/>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out GrainId? id)
    {
        id = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }

        id = new GrainId(text[..slash], text[(slash + 1)..]);
        return true;
    }

    public override string ToString() => $"{Type}/{Key}";
}
