using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

/// <summary>
/// Summarises the GC allocation ticks of a nettrace (bench/profile.sh with BENCH_PROFILER=alloc) as Markdown: the
/// runtime reports one tick per about 100 KB allocated, with the type and the stack of the allocation that crossed it,
/// so the shares are of sampled bytes. Three views: by type, by type and the first frame outside CoreLib (who asked
/// for it), and the frames on the stack of the most bytes.
/// </summary>
internal static class AllocationSummary
{
    public static int Write(string nettrace, string? requests, TextWriter output)
    {
        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(nettrace));
        var byType = new Dictionary<string, double>(StringComparer.Ordinal);
        var byCaller = new Dictionary<string, double>(StringComparer.Ordinal);
        var inclusive = new Dictionary<string, double>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        double total = 0;
        foreach (var data in log.Events)
        {
            if (data is not GCAllocationTickTraceData tick)
            {
                continue;
            }

            double bytes = tick.AllocationAmount64;
            total += bytes;
            Add(byType, tick.TypeName, bytes);
            string? caller = null;
            seen.Clear();
            for (var frame = tick.CallStack(); frame is not null; frame = frame.Caller)
            {
                var method = frame.CodeAddress.FullMethodName;
                if (string.IsNullOrEmpty(method))
                {
                    continue;
                }

                var name = $"{frame.CodeAddress.ModuleName}!{method}";
                caller ??= frame.CodeAddress.ModuleName.StartsWith("System.Private.CoreLib", StringComparison.Ordinal) ? null : name;
                if (seen.Add(name))
                {
                    Add(inclusive, name, bytes);
                }
            }

            Add(byCaller, $"{tick.TypeName} ⟵ {caller ?? "(CoreLib only)"}", bytes);
        }

        if (total == 0)
        {
            output.WriteLine("No allocation ticks in the trace (was it collected with the GC keyword at verbose level?).");
            return 1;
        }

        var perRequest = long.TryParse(requests, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count > 0
            ? $" over {count:N0} requests: about {total / count:N0} B per request."
            : ".";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Sampled: {total / 1e6:N1} MB allocated{perRequest} Shares below are of the sampled bytes."));
        Table(output, "By type", "type", byType, 30, total);
        Table(output, "By type and the first frame outside CoreLib", "type ⟵ first caller outside CoreLib", byCaller, 40, total);
        Table(output, "Inclusive: frames on the stack of the most bytes", "frame", inclusive, 60, total);
        return 0;
    }

    private static void Add(Dictionary<string, double> into, string key, double bytes) =>
        into[key] = into.GetValueOrDefault(key) + bytes;

    private static void Table(TextWriter output, string title, string column, Dictionary<string, double> shares, int rows, double total)
    {
        output.WriteLine();
        output.WriteLine($"## {title}");
        output.WriteLine();
        output.WriteLine($"| share | {column} |");
        output.WriteLine("|---:|---|");
        foreach (var (name, bytes) in shares.OrderByDescending(s => s.Value).Take(rows))
        {
            var shown = name.Length > 180 ? name[..179] + "…" : name;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {bytes / total * 100:F1} % | `{shown.Replace('`', '\'').Replace('|', '/')}` |"));
        }
    }
}
