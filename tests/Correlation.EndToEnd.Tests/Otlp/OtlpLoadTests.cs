using System.Diagnostics;
using Correlation.EndToEnd.Tests.Support;
using Correlation.Exporters.Otlp;
using Correlation.Trace;
using Correlation.Trace.Processing;
using Xunit.Abstractions;

namespace Correlation.EndToEnd.Tests.Otlp;

/// <summary>A bounded load: 100,000 spans through the batch processor and OTLP/protobuf into the real dashboard.</summary>
[Collection(DashboardCollection.Name)]
public sealed class OtlpLoadTests(DashboardFixture fixture, ITestOutputHelper output)
{
    private const int Traces = 1_000;
    private const int SpansPerTrace = 100;
    private const int Total = Traces * SpansPerTrace;

    [Fact]
    public async Task Hundred_thousand_spans_are_all_stored_by_the_dashboard_and_none_is_dropped()
    {
        var dashboard = fixture.Dashboard;
        var id = Guid.NewGuid().ToString("N")[..8];
        var service = "load-" + id;
        using var source = new ActivitySource("Correlation.EndToEnd.Load." + id);
        var exporter = new OtlpHttpExporter(new OtlpExporterOptions
        {
            Endpoint = dashboard.OtlpEndpoint,
            Protocol = OtlpExportProtocol.HttpProtobuf,
            TimeoutMilliseconds = 30_000,
        });

        // The queue holds the whole load, so nothing may be dropped however slowly the backend takes it.
        var processor = new BatchSpanProcessor(exporter, new BatchSpanProcessorOptions
        {
            MaxQueueSize = Total,
            MaxExportBatchSize = 2048,
            ScheduledDelayMilliseconds = 100,
            ExporterTimeoutMilliseconds = 30_000,
        });
        using var provider = TracerProvider.CreateBuilder()
            .AddSource(source.Name)
            .ConfigureResource(r => r.IgnoreEnvironment().AddService(service))
            .AddProcessor(processor)
            .Build();

        var clock = Stopwatch.StartNew();
        for (var t = 0; t < Traces; t++)
        {
            using var root = source.StartActivity("GET /load", ActivityKind.Server)!;
            root.SetTag("load.trace", t);
            for (var i = 1; i < SpansPerTrace; i++)
            {
                using var child = source.StartActivity("step", ActivityKind.Internal)!;
                child.SetTag("load.step", i);
            }
        }

        var ended = clock.Elapsed;
        Assert.True(provider.ForceFlush(120_000), "the queue was not drained in time");
        var flushed = clock.Elapsed;
        Assert.Equal(0, processor.DroppedCount);
        Assert.Equal(0, exporter.DroppedSpans);
        Assert.Equal(Total, exporter.ExportedSpans);

        var stored = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && (stored = await dashboard.CountSpansAsync(service)) < Total)
        {
            await Task.Delay(250);
        }

        // Printed for the record, never asserted (timings belong to benchmarks).
        output.WriteLine($"spans ended in {ended.TotalSeconds:F1} s, exported by {flushed.TotalSeconds:F1} s, all stored by {clock.Elapsed.TotalSeconds:F1} s; {exporter.Attempts} request(s)");
        Assert.Equal(Total, stored);
    }
}
