using System.Buffers.Text;
using System.Globalization;
using OrleansKv.Grains.Storage;

namespace OrleansKv.Grains;

/// <summary>
/// Evaluates <see cref="KeyOperation"/>s in order against a view of their keys (latest staged or committed entry,
/// null = absent), updating the view as it goes and collecting the mutations to stage: the last one per key, all at
/// one revision. Pure: no grain state, no I/O.
/// </summary>
internal sealed class KeyOperationEvaluator(Dictionary<string, StoredEntry?> view, long revision, long now, int maxValueBytes)
{
    private readonly List<EntryMutation> _mutations = [];
    private readonly Dictionary<string, int> _mutationIndex = new(StringComparer.Ordinal);

    /// <summary>The mutations to stage as one unit (none when nothing changed).</summary>
    public List<EntryMutation> Mutations => _mutations;

    /// <summary>Runs one operation; <paramref name="flushKeys"/> are the stored keys a flush deletes besides those in the view.</summary>
    public KeyOpResult Apply(KeyOperation op, IReadOnlyCollection<string> flushKeys)
    {
        switch (op.Kind)
        {
            case KeyOpKind.Get:
                return Live(op.Key) is { } found ? Found(found, found.Value) : new KeyOpResult(KeyOpStatus.NotFound);
            case KeyOpKind.Inspect:
                return Live(op.Key) is { } inspected ? Found(inspected, null) with { Number = inspected.Value.Length } : new KeyOpResult(KeyOpStatus.NotFound);
            case KeyOpKind.Set:
                return Set(op);
            case KeyOpKind.Delete:
                return Remove(op.Key) is null ? new KeyOpResult(KeyOpStatus.NotFound) : new KeyOpResult(KeyOpStatus.Ok, Number: 1);
            case KeyOpKind.GetDelete:
                return Remove(op.Key) is { } removed ? new KeyOpResult(KeyOpStatus.Ok, removed.Value, 1) : new KeyOpResult(KeyOpStatus.NotFound);
            case KeyOpKind.IncrementBy:
                return IncrementBy(op);
            case KeyOpKind.IncrementByFloat:
                return IncrementByFloat(op);
            case KeyOpKind.Append:
                return Append(op);
            case KeyOpKind.SetExpiry:
                return SetExpiry(op);
            case KeyOpKind.Persist:
                if (Live(op.Key) is not { ExpiresAt: not null } persisting)
                {
                    return new KeyOpResult(KeyOpStatus.NotApplied);
                }

                var persisted = Put(op.Key, persisting.Value, persisting.ContentType, persisting.Sha256, null, persisting.CreatedAt);
                return new KeyOpResult(KeyOpStatus.Ok, Number: 1, Version: persisted.Version);
            case KeyOpKind.Rename:
            case KeyOpKind.Copy:
                return Move(op);
            case KeyOpKind.SetMany:
                return SetMany(op);
            case KeyOpKind.Flush:
                return Flush(flushKeys);
            default:
                throw new ArgumentException($"Unknown key operation {op.Kind}.", nameof(op));
        }
    }

    private KeyOpResult Set(KeyOperation op)
    {
        var live = Live(op.Key);
        if ((op.Conditions.HasFlag(KeyOpConditions.IfAbsent) && live is not null) || (op.Conditions.HasFlag(KeyOpConditions.IfExists) && live is null))
        {
            return new KeyOpResult(KeyOpStatus.NotApplied, op.Conditions.HasFlag(KeyOpConditions.ReturnOld) ? live?.Value : null);
        }

        var expiresAt = op.Conditions.HasFlag(KeyOpConditions.KeepTtl) ? live?.ExpiresAt : ExpiryOf(op);
        if (expiresAt <= now)
        {
            Remove(op.Key);
            return new KeyOpResult(KeyOpStatus.Ok, op.Conditions.HasFlag(KeyOpConditions.ReturnOld) ? live?.Value : null);
        }

        var entry = Put(op.Key, op.Value!, live?.ContentType, ContentHash.Compute(op.Value!), expiresAt, live?.CreatedAt ?? now);
        return new KeyOpResult(KeyOpStatus.Ok, op.Conditions.HasFlag(KeyOpConditions.ReturnOld) ? live?.Value : null, 0, expiresAt, entry.Version);
    }

    private KeyOpResult IncrementBy(KeyOperation op)
    {
        var live = Live(op.Key);
        long current = 0;
        if (live is not null && !TryParseInteger(live.Value, out current))
        {
            return Error("ERR value is not an integer or out of range");
        }

        long next;
        try
        {
            next = checked(current + op.By);
        }
        catch (OverflowException)
        {
            return Error("ERR increment or decrement would overflow");
        }

        var text = System.Text.Encoding.ASCII.GetBytes(next.ToString(CultureInfo.InvariantCulture));
        var entry = Put(op.Key, text, live?.ContentType, ContentHash.Compute(text), live?.ExpiresAt, live?.CreatedAt ?? now);
        return new KeyOpResult(KeyOpStatus.Ok, null, next, entry.ExpiresAt, entry.Version);
    }

    private KeyOpResult IncrementByFloat(KeyOperation op)
    {
        var live = Live(op.Key);
        double current = 0;
        if (live is not null && !TryParseFloat(live.Value, out current))
        {
            return Error("ERR value is not a valid float");
        }

        var next = current + op.ByFloat;
        if (double.IsNaN(next) || double.IsInfinity(next))
        {
            return Error("ERR increment would produce NaN or Infinity");
        }

        var text = System.Text.Encoding.ASCII.GetBytes(FormatFloat(next));
        var entry = Put(op.Key, text, live?.ContentType, ContentHash.Compute(text), live?.ExpiresAt, live?.CreatedAt ?? now);
        return new KeyOpResult(KeyOpStatus.Ok, text, 0, entry.ExpiresAt, entry.Version);
    }

    private KeyOpResult Append(KeyOperation op)
    {
        var live = Live(op.Key);
        var old = live?.Value ?? [];
        if ((long)old.Length + op.Value!.Length > maxValueBytes)
        {
            return Error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        }

        var value = new byte[old.Length + op.Value.Length];
        old.CopyTo(value, 0);
        op.Value.CopyTo(value, old.Length);
        var entry = Put(op.Key, value, live?.ContentType, ContentHash.Compute(value), live?.ExpiresAt, live?.CreatedAt ?? now);
        return new KeyOpResult(KeyOpStatus.Ok, null, value.Length, entry.ExpiresAt, entry.Version);
    }

    private KeyOpResult SetExpiry(KeyOperation op)
    {
        if (Live(op.Key) is not { } live)
        {
            return new KeyOpResult(KeyOpStatus.NotFound);
        }

        var wanted = ExpiryOf(op) ?? throw new ArgumentException("An expiry change needs an expiry.", nameof(op));
        var current = live.ExpiresAt;
        var c = op.Conditions;
        var holds = !(c.HasFlag(KeyOpConditions.IfAbsent) && current is not null)
            && !(c.HasFlag(KeyOpConditions.IfExists) && current is null)
            && !(c.HasFlag(KeyOpConditions.IfGreater) && (current is null || wanted <= current))
            && !(c.HasFlag(KeyOpConditions.IfLess) && current is not null && wanted >= current);
        if (!holds)
        {
            return new KeyOpResult(KeyOpStatus.NotApplied);
        }

        if (wanted <= now)
        {
            Remove(op.Key);
            return new KeyOpResult(KeyOpStatus.Ok, Number: 1);
        }

        var entry = Put(op.Key, live.Value, live.ContentType, live.Sha256, wanted, live.CreatedAt);
        return new KeyOpResult(KeyOpStatus.Ok, null, 1, wanted, entry.Version);
    }

    private KeyOpResult Move(KeyOperation op)
    {
        var rename = op.Kind == KeyOpKind.Rename;
        var target = op.Target ?? throw new ArgumentException("A rename or copy needs a target.", nameof(op));
        if (Live(op.Key) is not { } source)
        {
            return rename ? Error("ERR no such key") : new KeyOpResult(KeyOpStatus.NotFound);
        }

        if (string.Equals(op.Key, target, StringComparison.Ordinal))
        {
            return rename
                ? (op.Conditions.HasFlag(KeyOpConditions.IfAbsent) ? new KeyOpResult(KeyOpStatus.NotApplied) : new KeyOpResult(KeyOpStatus.Ok, Number: 1, Version: source.Version))
                : Error("ERR source and destination objects are the same");
        }

        var existing = Live(target);
        if (existing is not null && (rename ? op.Conditions.HasFlag(KeyOpConditions.IfAbsent) : !op.Conditions.HasFlag(KeyOpConditions.Replace)))
        {
            return new KeyOpResult(KeyOpStatus.NotApplied);
        }

        var entry = Put(target, source.Value, source.ContentType, source.Sha256, source.ExpiresAt, now);
        if (rename)
        {
            Remove(op.Key);
        }

        return new KeyOpResult(KeyOpStatus.Ok, null, 1, entry.ExpiresAt, entry.Version);
    }

    private KeyOpResult SetMany(KeyOperation op)
    {
        var pairs = op.Pairs ?? [];
        if (op.Conditions.HasFlag(KeyOpConditions.IfAbsent))
        {
            foreach (var (key, _) in pairs)
            {
                if (Live(key) is not null)
                {
                    return new KeyOpResult(KeyOpStatus.NotApplied);
                }
            }
        }

        foreach (var (key, value) in pairs)
        {
            Put(key, value, Live(key)?.ContentType, ContentHash.Compute(value), null, Live(key)?.CreatedAt ?? now);
        }

        return new KeyOpResult(KeyOpStatus.Ok, Number: 1, Version: revision);
    }

    private KeyOpResult Flush(IReadOnlyCollection<string> storedKeys)
    {
        foreach (var key in storedKeys)
        {
            if (view.TryAdd(key, null))
            {
                Delete(key);
            }
        }

        foreach (var key in view.Keys.ToList())
        {
            Remove(key);
        }

        return new KeyOpResult(KeyOpStatus.Ok, Number: _mutations.Count);
    }

    private StoredEntry? Live(string key) =>
        view.TryGetValue(key, out var entry) && entry is not null && !entry.IsExpiredAt(now) ? entry : null;

    /// <summary>Removes the key (an expired row too); returns the live entry it had.</summary>
    private StoredEntry? Remove(string key)
    {
        var live = Live(key);
        if (view.TryGetValue(key, out var entry) && entry is not null)
        {
            view[key] = null;
            Delete(key);
        }

        return live;
    }

    private void Delete(string key) => Record(EntryMutation.Delete(key));

    private StoredEntry Put(string key, byte[] value, string? contentType, ContentHash hash, long? expiresAt, long createdAt)
    {
        var entry = new StoredEntry(key, value, contentType, hash, revision, createdAt, now, expiresAt);
        view[key] = entry;
        Record(EntryMutation.Put(entry));
        return entry;
    }

    private void Record(EntryMutation mutation)
    {
        if (_mutationIndex.TryGetValue(mutation.Key, out var index))
        {
            _mutations[index] = mutation;
        }
        else
        {
            _mutationIndex[mutation.Key] = _mutations.Count;
            _mutations.Add(mutation);
        }
    }

    private long? ExpiryOf(KeyOperation op) => op.ExpiresAt ?? (op.TtlMs is { } ttl ? now + ttl : null);

    private static KeyOpResult Found(StoredEntry entry, byte[]? value) => new(KeyOpStatus.Ok, value, 0, entry.ExpiresAt, entry.Version);

    private static KeyOpResult Error(string message) => new(KeyOpStatus.Error, Error: message);

    /// <summary>A value as Redis reads an integer: optional minus, digits without leading zeros, at most 20 bytes.</summary>
    internal static bool TryParseInteger(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 20 || text[0] == (byte)'+' || (text.Length > 1 && text[0] == (byte)'0') || (text.Length > 2 && text[0] == (byte)'-' && text[1] == (byte)'0'))
        {
            return false;
        }

        return Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length;
    }

    /// <summary>A value as Redis reads a float: no surrounding spaces, not NaN.</summary>
    internal static bool TryParseFloat(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 5000 || text[0] is (byte)' ' or (byte)'\t' || text[^1] is (byte)' ' or (byte)'\t')
        {
            return false;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
    }

    internal static string FormatFloat(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
