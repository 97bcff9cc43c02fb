using System.Diagnostics;
using Correlation.EndToEnd.Tests.Support;
using Correlation.Exporters.Otlp;
using Correlation.Trace;
using Correlation.Trace.Processing;

namespace Correlation.EndToEnd.Tests.Otlp;

/// <summary>The whole pipeline (SDK, batch processor, OTLP exporter) when the real backend is missing, dies or refuses.</summary>
[Collection(DashboardCollection.Name)]
public sealed class OtlpDashboardFaultTests(DashboardFixture fixture)
{
    [Fact]
    public void Backend_not_started_drops_and_counts_the_spans_and_the_application_goes_on()
    {
        using var handler = new ThreadRecordingHandler();
        using var source = new ActivitySource("Correlation.EndToEnd.NoBackend." + Guid.NewGuid().ToString("N")[..8]);
        var exporter = new OtlpHttpExporter(new OtlpExporterOptions(static _ => null)
        {
            Endpoint = new Uri($"http://127.0.0.1:{AspireDashboard.FreePort()}"),
            TimeoutMilliseconds = 1_000,
            InitialBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
            HttpMessageHandler = handler,
        });
        var processor = new BatchSpanProcessor(exporter, new BatchSpanProcessorOptions { ScheduledDelayMilliseconds = 50 });
        using var provider = TracerProvider.CreateBuilder().AddSource(source.Name).AddProcessor(processor).Build();

        for (var i = 0; i < 200; i++)
        {
            using var span = source.StartActivity("work")!;
            span.SetTag("i", i);
        }

        // Returns when the failed export is over; nothing was thrown at the application above.
        provider.ForceFlush(10_000);

        Assert.Equal(200, exporter.DroppedSpans);
        Assert.Equal(0, exporter.ExportedSpans);
        Assert.True(exporter.Retries >= 1, "connection failures are retried within the export timeout");
        Assert.NotEmpty(handler.SendingThreads);
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, handler.SendingThreads.Keys);
    }

    [Fact]
    public async Task Dashboard_killed_and_restarted_within_the_retry_window_loses_nothing()
    {
        await using var backend = await AspireDashboard.StartAsync();
        var service = "restart-" + Guid.NewGuid().ToString("N")[..8];
        using var source = new ActivitySource("Correlation.EndToEnd.Restart." + service);
        var exporter = new OtlpHttpExporter(new OtlpExporterOptions(static _ => null)
        {
            Endpoint = backend.OtlpEndpoint,
            TimeoutMilliseconds = 60_000,
            InitialBackoff = TimeSpan.FromMilliseconds(200),
            MaxBackoff = TimeSpan.FromSeconds(1),
        });
        var processor = new BatchSpanProcessor(exporter, new BatchSpanProcessorOptions { ScheduledDelayMilliseconds = 100, ExporterTimeoutMilliseconds = 60_000 });
        using var provider = TracerProvider.CreateBuilder()
            .AddSource(source.Name)
            .ConfigureResource(r => r.IgnoreEnvironment().AddService(service))
            .AddProcessor(processor)
            .Build();

        var before = Trace(source, "before", 10);
        Assert.True(provider.ForceFlush(20_000));
        await backend.GetTraceAsync(before, 10);

        await backend.KillAsync();
        var attemptsBefore = exporter.Attempts;
        var during = Trace(source, "during", 10);

        // The worker exports on its timer, finds the backend gone and keeps retrying.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (exporter.Attempts < attemptsBefore + 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(exporter.Attempts >= attemptsBefore + 2, "the exporter did not retry while the backend was down");
        Assert.Equal(10, exporter.ExportedSpans);

        await backend.StartAgainAsync();
        Assert.True(provider.ForceFlush(60_000), "the retried export did not finish");

        Assert.Equal(20, exporter.ExportedSpans);
        Assert.Equal(0, exporter.DroppedSpans);
        Assert.Equal(0, processor.DroppedCount);
        Assert.True(exporter.Retries >= 2);

        // The restarted dashboard starts empty: it holds exactly the spans retried into it.
        var stored = await backend.GetTraceAsync(during, 10);
        Assert.Equal(10, stored.GetProperty("totalCount").GetInt32());
        Assert.Equal(10, await backend.CountSpansAsync(service));
    }

    [Fact]
    public async Task A_400_from_the_dashboard_is_not_retried_and_the_batch_is_dropped_and_counted()
    {
        // The Aspire Dashboard answers 400 Bad Request to a gzip body: a real backend refusing a request.
        var dashboard = fixture.Dashboard;
        var service = "refused-" + Guid.NewGuid().ToString("N")[..8];
        using var source = new ActivitySource("Correlation.EndToEnd.Refused." + service);
        var exporter = new OtlpHttpExporter(new OtlpExporterOptions(static _ => null)
        {
            Endpoint = dashboard.OtlpEndpoint,
            Compression = OtlpCompression.Gzip,
            InitialBackoff = TimeSpan.FromMilliseconds(20),
        });
        var processor = new BatchSpanProcessor(exporter);
        using var provider = TracerProvider.CreateBuilder()
            .AddSource(source.Name)
            .ConfigureResource(r => r.IgnoreEnvironment().AddService(service))
            .AddProcessor(processor)
            .Build();

        Trace(source, "refused", 5);
        provider.ForceFlush(10_000);

        Assert.Equal(1, exporter.Attempts);
        Assert.Equal(0, exporter.Retries);
        Assert.Equal(5, exporter.DroppedSpans);
        Assert.Equal(0, await dashboard.CountSpansAsync(service));
    }

    private static string Trace(ActivitySource source, string name, int spans)
    {
        using var root = source.StartActivity(name, ActivityKind.Server)!;
        for (var i = 1; i < spans; i++)
        {
            using var child = source.StartActivity(name + "." + i)!;
        }

        return root.TraceId.ToHexString();
    }
}
