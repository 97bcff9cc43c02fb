using System.Diagnostics;
using Correlation.Context;
using Correlation.Exporters.Otlp;
using Correlation.Propagation;
using Correlation.Trace;
using OpenTelemetry;

namespace Correlation.Demo.Tests.Docs;

/// <summary>
/// The code samples of README.md and docs/*.md, copied as written (only the surrounding declarations added), so a
/// sample that stops compiling or stops doing what its comment says fails here.
/// </summary>
[Collection(EndToEnd.ScenarioCollection.Name)]
public sealed class DocSnippetTests
{
    [Fact]
    public void Readme_quick_start_prints_the_trace_and_span_id_of_the_current_span()
    {
        using var source = new ActivitySource("Docs.Readme.QuickStart");
        using var listener = ListenTo(source.Name);
        using var current = source.StartActivity("root")!;
        using var console = new StringWriter();
        var original = Console.Out;
        Console.SetOut(console);
        try
        {
            // README.md, "Quick start (Core)":
            var fields = TraceFieldSet.Create(new TraceContextOptions { Profile = TraceFieldProfile.OpenTelemetry });
            var span = TraceFieldSet.CurrentSpan();          // Activity.Current, when it has a W3C context
            for (var i = 0; i < fields.Fields.Count; i++)
            {
                var value = fields.GetValue(span, i);        // null: leave the field out
                if (value is not null) Console.WriteLine($"{fields.Fields[i].Name}={value}");
            }
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.Equal($"trace_id={current.TraceId.ToHexString()}\nspan_id={current.SpanId.ToHexString()}\n", console.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Readme_tracing_and_docs_samples_build_a_provider()
    {
        // README.md, "Tracing, propagation, export" (the exporter's endpoint is never reached: nothing is recorded).
        CorrelationPropagator.Install();                          // W3C traceparent/tracestate/baggage for HttpClient and ASP.NET Core
        using var tracing = TracerProvider.CreateBuilder()        // Correlation's SDK on ActivitySource/ActivityListener
            .AddSource("MyCompany.*", "Microsoft.AspNetCore", "System.Net.Http")
            .ConfigureResource(r => r.AddService("checkout", "1.4.2", "production"))
            .AddOtlpExporter()                                    // OTEL_EXPORTER_OTLP_*, else http://localhost:4318
            .Build();
        Assert.Equal("checkout", tracing.Resource.Attributes.Single(a => a.Key == "service.name").Value);

        // docs/tracing-sdk.md, first sample.
        using var sdk = TracerProvider.CreateBuilder()
            .AddSource("MyCompany.*", "Microsoft.AspNetCore", "System.Net.Http")
            .ConfigureResource(r => r.AddService("checkout", "1.4.2", "production"))
            .AddConsoleExporter()          // or .AddProcessor(new BatchSpanProcessor(exporter)), .AddOtlpExporter()
            .Build();                      // Dispose (or Shutdown(timeout)) at exit flushes what is queued

        // docs/otlp.md, first sample and its alternative.
        using var provider = TracerProvider.CreateBuilder()
            .AddSource("Shop.*")
            .ConfigureResource(r => r.AddService("orders", "1.4.0"))
            .AddOtlpExporter()                       // OTEL_EXPORTER_OTLP_* and OTEL_BSP_*, else http://localhost:4318
            .Build();
        using var json = TracerProvider.CreateBuilder()
            .AddSource("Shop.*")
            .AddOtlpExporter(o => { o.Endpoint = new Uri("http://collector:4318"); o.Protocol = OtlpExportProtocol.HttpJson; },
                             batch => batch.MaxQueueSize = 8192)
            .Build();
    }

    [Fact]
    public void Propagation_samples_inject_and_extract()
    {
        using var source = new ActivitySource("Docs.Propagation");
        using var listener = ListenTo(source.Name);
        using var span = source.StartActivity("send")!;
        var headers = new Dictionary<string, string>();
        var message = new { Headers = new Dictionary<string, byte[]>() };
        var previous = OpenTelemetry.Context.Propagation.Propagators.DefaultTextMapPropagator;
        try
        {
            // docs/propagation.md, "One line" and its other faces.
            CorrelationPropagator.Install();   // at startup, before the host and the HttpClients are built
            Sdk.SetDefaultTextMapPropagator(CorrelationPropagator.Default.ToTextMapPropagator());      // OpenTelemetry API users
            CorrelationPropagator.Default.InjectCurrent(headers, PropagationCarriers.DictionarySetter); // any carrier
            CorrelationPropagator.Default.InjectCurrent(message.Headers, PropagationCarriers.ByteHeadersSetter);
            var context = CorrelationPropagator.Default.Extract(message.Headers, PropagationCarriers.ByteHeadersGetter);

            Assert.Equal(span.TraceId, context.ActivityContext.TraceId);
            Assert.Equal(span.SpanId, context.ActivityContext.SpanId);
            Assert.Equal($"00-{span.TraceId.ToHexString()}-{span.SpanId.ToHexString()}-01", headers["traceparent"]);
        }
        finally
        {
            Sdk.SetDefaultTextMapPropagator(previous);
        }
    }

    [Fact]
    public void Readme_crossing_boundaries()
    {
        using var source = new ActivitySource("Docs.Readme.Crossing");
        using var listener = ListenTo(source.Name);
        using var span = source.StartActivity("work")!;
        string? seen = null;
        using var done = new ManualResetEventSlim();
        void Log()
        {
            seen = Activity.Current?.TraceId.ToHexString();
            done.Set();
        }

        // README.md, "Crossing boundaries":
        var captured = CapturedTraceContext.Capture();          // where the work is queued
        ThreadPool.UnsafeQueueUserWorkItem(_ => { using (captured.Restore()) Log(); }, null);   // where it runs

        Assert.True(done.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(span.TraceId.ToHexString(), seen);
    }

    [Fact]
    public void Propagation_consume_without_a_listener_keeps_the_baggage_only_while_the_message_is_handled()
    {
        using var producerSource = new ActivitySource("Docs.Propagation.Producer");
        using var producerListener = ListenTo(producerSource.Name);
        var message = new { Headers = new Dictionary<string, byte[]>() };
        using (var send = producerSource.StartActivity("send")!)
        {
            send.AddBaggage("tenant.id", "acme");
            CorrelationPropagator.Default.InjectCurrent(message.Headers, PropagationCarriers.ByteHeadersSetter);
        }

        using var source = new ActivitySource("Docs.Propagation.NobodyListens");
        string? seen = null;
        void Handle(object _) => seen = TraceBaggage.GetItem("tenant.id");

        // docs/propagation.md, consuming when nobody listens:
        using var span = MessagePropagation.StartConsume(source, "kafka", "orders", message.Headers);
        var previous = Baggage.Current;
        if (span is null)   // nobody listens: keep the producer's baggage for this message's logs and sends
            Baggage.Current = CorrelationPropagator.Default.Extract(message.Headers, PropagationCarriers.ByteHeadersGetter).Baggage.ToOpenTelemetryBaggage();
        try { Handle(message); }
        finally { Baggage.Current = previous; }

        Assert.Null(span);
        Assert.Equal("acme", seen);
        Assert.Null(TraceBaggage.GetItem("tenant.id"));
    }

    private static ActivityListener ListenTo(string name)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
