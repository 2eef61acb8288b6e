using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace OrleansKv.Server.Metrics;

/// <summary>
/// Renders OpenTelemetry metrics in the Prometheus text exposition format (version 0.0.4). A pull exporter:
/// <see cref="PrometheusScraper"/> triggers a collection per scrape and this writes what the SDK hands over.
/// Counters keep their <c>_total</c> names; histograms become <c>_bucket</c>/<c>_sum</c>/<c>_count</c>.
/// </summary>
internal sealed class PrometheusTextExporter : BaseExporter<Metric>
{
    private StringBuilder? _output;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <summary>Starts a scrape: following exports append to <paramref name="output"/>.</summary>
    public void Begin(StringBuilder output)
    {
        _output = output;
        _written.Clear();
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        if (_output is null)
        {
            return ExportResult.Success;
        }

        foreach (var metric in batch)
        {
            Write(_output, metric);
        }

        return ExportResult.Success;
    }

    private void Write(StringBuilder output, Metric metric)
    {
        var name = Sanitize(metric.Name);
        var type = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.DoubleSum => "counter",
            MetricType.Histogram => "histogram",
            _ => "gauge",
        };
        if (_written.Add(name))
        {
            output.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(metric.Description)).Append('\n');
            output.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        }

        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var labels = Labels(point.Tags);
            switch (metric.MetricType)
            {
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    Sample(output, name, labels, point.GetSumLong().ToString(CultureInfo.InvariantCulture));
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    Sample(output, name, labels, Number(point.GetSumDouble()));
                    break;
                case MetricType.LongGauge:
                    Sample(output, name, labels, point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture));
                    break;
                case MetricType.DoubleGauge:
                    Sample(output, name, labels, Number(point.GetGaugeLastValueDouble()));
                    break;
                case MetricType.Histogram:
                    long cumulative = 0;
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        cumulative += bucket.BucketCount;
                        var le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : Number(bucket.ExplicitBound);
                        Sample(output, name + "_bucket", Join(labels, $"le=\"{le}\""), cumulative.ToString(CultureInfo.InvariantCulture));
                    }

                    Sample(output, name + "_sum", labels, Number(point.GetHistogramSum()));
                    Sample(output, name + "_count", labels, point.GetHistogramCount().ToString(CultureInfo.InvariantCulture));
                    break;
            }
        }
    }

    private static void Sample(StringBuilder output, string name, string labels, string value)
    {
        output.Append(name);
        if (labels.Length > 0)
        {
            output.Append('{').Append(labels).Append('}');
        }

        output.Append(' ').Append(value).Append('\n');
    }

    private static string Labels(ReadOnlyTagCollection tags)
    {
        var builder = new StringBuilder();
        foreach (var tag in tags)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(Sanitize(tag.Key)).Append("=\"").Append(EscapeLabel(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty)).Append('"');
        }

        return builder.ToString();
    }

    private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Metric and label names: <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c> (labels without the colon).</summary>
    internal static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (!(char.IsAsciiLetter(c) || c == '_' || c == ':' || (i > 0 && char.IsAsciiDigit(c))))
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    internal static string EscapeLabel(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string? value) => (value ?? string.Empty).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
