using System.Globalization;
using System.Text;

namespace OrleansKv.Tests.Linearizability;

public enum Verdict
{
    Linearizable,
    Violation,

    /// <summary>The search budget ran out before an answer.</summary>
    Inconclusive,
}

/// <summary>The verdict on one key's history; <see cref="Report"/> explains a violation.</summary>
public sealed record KeyVerdict(string Key, Verdict Verdict, int Operations, long Steps, TimeSpan Elapsed, Operation? Culprit, string? Report)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"key {Key}: {Verdict} ({Operations} ops, {Steps} steps, {Elapsed.TotalMilliseconds:F0} ms)");
}

/// <summary>The verdicts on every key of a history (each key is checked on its own: P-compositionality).</summary>
public sealed record HistoryVerdict(IReadOnlyList<KeyVerdict> Keys)
{
    public IEnumerable<KeyVerdict> Violations => Keys.Where(k => k.Verdict == Verdict.Violation);

    public IEnumerable<KeyVerdict> Inconclusive => Keys.Where(k => k.Verdict == Verdict.Inconclusive);

    public bool IsLinearizable => Keys.All(k => k.Verdict == Verdict.Linearizable);

    /// <summary>One line per key, then the report of every violation.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var key in Keys)
        {
            text.Append(key).Append('\n');
        }

        foreach (var key in Keys.Where(k => k.Report is not null))
        {
            text.Append('\n').Append(key.Report);
        }

        return text.ToString();
    }
}
