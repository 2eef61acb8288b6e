using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

/// <summary>
/// How a write changes a namespace's usage: keys, and bytes as the store counts them (UTF-8 key bytes plus value
/// bytes per stored key; an expired key still occupies its row until swept).
/// </summary>
internal readonly record struct UsageDelta(long Keys, long Bytes)
{
    public static UsageDelta operator +(UsageDelta a, UsageDelta b) => new(a.Keys + b.Keys, a.Bytes + b.Bytes);

    public static UsageDelta operator -(UsageDelta a, UsageDelta b) => new(a.Keys - b.Keys, a.Bytes - b.Bytes);

    /// <summary>The change from the stored <paramref name="before"/> (null: no row) to <paramref name="after"/> (null: deleted).</summary>
    public static UsageDelta Of(StoredEntry? before, StoredEntry? after) => Size(after) - Size(before);

    /// <summary>
    /// The change a unit of <paramref name="mutations"/> makes, given each key's stored entry before the unit
    /// (<paramref name="before"/>); a later mutation of a key replaces an earlier one.
    /// </summary>
    public static UsageDelta Of(List<EntryMutation> mutations, IReadOnlyDictionary<string, StoredEntry?> before)
    {
        var delta = default(UsageDelta);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = mutations.Count - 1; i >= 0; i--)
        {
            var mutation = mutations[i];
            if (seen.Add(mutation.Key))
            {
                delta += Of(before.GetValueOrDefault(mutation.Key), mutation.Entry);
            }
        }

        return delta;
    }

    private static UsageDelta Size(StoredEntry? entry) => entry is null ? default : new(1, KeyRules.KeyBytes(entry.Key) + entry.Value.Length);
}
