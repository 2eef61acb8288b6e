using System.Globalization;
using System.Text;

namespace OrleansKv.Tests.Linearizability;

/// <summary>
/// The readable account of a violation on one key: the first operation (by invocation) at which the history stops
/// being linearizable, every operation overlapping it in time, and the last operations that completed before it,
/// each with client, times (ms from the start of the recording), request and answer.
/// </summary>
internal static class ViolationReport
{
    public const int OpsBefore = 10;
    private const int UnknownShown = 5;

    public static string Format(KeyHistory history, ViolationSite? site)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Key '{history.Key}' is not linearizable ({history.Ops.Count} operations).\n");
        foreach (var anomaly in history.Writes.Anomalies)
        {
            text.Append("  ETag anomaly: ").Append(anomaly).Append('\n');
        }

        if (site is null)
        {
            return text.ToString();
        }

        var culprit = history.Ops[site.Culprit];
        text.Append(CultureInfo.InvariantCulture, $"  The history stops being linearizable at op #{culprit.Id} (operation {site.Culprit + 1} of {history.Ops.Count} by invocation): ");
        text.Append("no order of the operations invoked up to it explains every answer up to it");
        text.Append(site.Exact ? ".\n" : " (approximate: the search budget ran out while narrowing it down).\n");
        if (site.WindowStart is { } start)
        {
            text.Append(CultureInfo.InvariantCulture, $"  Operations {start + 1} to {site.Culprit + 1} alone (from op #{history.Ops[start].Id}) already fail, whatever the state before them.\n");
        }

        text.Append("  offending operation:\n");
        Row(text, history, culprit, ">>");

        // Operations with an unknown outcome overlap everything after them: only the latest few are listed.
        var overlapping = history.Ops.Where(o => o.Id != culprit.Id && o.Overlaps(culprit)).ToList();
        var pending = overlapping.Where(o => o.IsUnknown && o.Invoke < culprit.Invoke).ToList();
        var hidden = Math.Max(0, pending.Count - UnknownShown);
        text.Append(CultureInfo.InvariantCulture, $"  overlapping it in time ({overlapping.Count}):\n");
        if (hidden > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"       ({hidden} earlier operations with unknown outcome, still pending, not shown)\n");
        }

        foreach (var op in overlapping.Where(o => !pending.Take(hidden).Contains(o)))
        {
            Row(text, history, op, "~ ");
        }

        var before = history.Ops.Where(o => o.Complete < culprit.Invoke).OrderBy(o => o.Complete).TakeLast(OpsBefore).ToList();
        text.Append(CultureInfo.InvariantCulture, $"  the last {before.Count} operations that completed before it:\n");
        foreach (var op in before)
        {
            Row(text, history, op, "  ");
        }

        return text.ToString();
    }

    private static void Row(StringBuilder text, KeyHistory history, Operation op, string marker)
    {
        text.Append(CultureInfo.InvariantCulture, $"    {marker} #{op.Id,-6} client {op.Client,-2} [{Ms(op.Invoke),10} .. {Ms(op.Complete),10} ms]  {op.Describe(),-40} -> {op.Outcome}");
        if (Note(history, op) is { } note)
        {
            text.Append("   ; ").Append(note);
        }

        text.Append('\n');
    }

    /// <summary>Which write a read's value or a condition's ETag refers to.</summary>
    private static string? Note(KeyHistory history, Operation op)
    {
        if (op.Kind == OpKind.Read && op.Outcome is { Kind: OutcomeKind.Ok, Value: { } value })
        {
            var write = history.Writes.ByValue(value);
            return write < 0 ? "a value no write on this key wrote" : $"the value of #{history.WriterOf(write)!.Id}";
        }

        if (op.Kind is OpKind.PutIfMatch or OpKind.DeleteIfMatch && op.IfMatch is { } etag)
        {
            var write = history.Writes.ByETag(etag);
            return write < 0 ? "an ETag of no known write" : $"the ETag of #{history.WriterOf(write)!.Id}";
        }

        return null;
    }

    private static string Ms(long ns) =>
        ns == Operation.Infinity ? "inf" : (ns / 1e6).ToString("F3", CultureInfo.InvariantCulture);
}
