using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OrleansKv.Grains;

namespace OrleansKv.Server.Metrics;

/// <summary>
/// Owns the OpenTelemetry meter provider and answers scrapes: each scrape collects once, under a lock, and
/// renders the text. No exporter package exists in this project's registry, so this is our own.
/// </summary>
internal sealed class PrometheusScraper : IDisposable
{
    private readonly Lock _lock = new();
    private readonly PrometheusTextExporter _exporter = new();
    private readonly BaseExportingMetricReader _reader;
    private readonly MeterProvider _provider;

    public PrometheusScraper(RuntimeGauges gauges, ServerMetrics server, NamespaceMetrics namespaces, Limits.LimitMetrics limits)
    {
        _reader = new BaseExportingMetricReader(_exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(server.MeterName, namespaces.MeterName, gauges.MeterName, limits.MeterName)
            .AddView("kv_request_duration_seconds", new ExplicitBucketHistogramConfiguration { Boundaries = ServerMetrics.DurationBuckets })
            .AddView("kv_group_commit_batch_size", new ExplicitBucketHistogramConfiguration { Boundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048] })
            .AddReader(_reader)
            .Build()!;
    }

    /// <summary>Collects every instrument now and renders the Prometheus text.</summary>
    public string Scrape()
    {
        lock (_lock)
        {
            var output = new StringBuilder(16 * 1024);
            _exporter.Begin(output);
            _reader.Collect(5000);
            return output.ToString();
        }
    }

    public void Dispose()
    {
        _provider.Dispose();
        _exporter.Dispose();
    }
}
