using System.Diagnostics;
using Correlation.Serilog.Tests.Support;
using Serilog;
using Serilog.Sinks.OpenTelemetry;

namespace Correlation.Serilog.Tests.Sinks;

/// <summary>Serilog.Sinks.OpenTelemetry batches events and sends them later from its own thread, over real OTLP/HTTP.</summary>
public class OpenTelemetrySinkTests
{
    [Fact]
    public async Task The_batching_OTLP_sink_sends_the_creating_spans_ids_as_attributes_next_to_its_own_trace_fields()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var logger = new LoggerConfiguration()
            .Enrich.WithTraceContext(o => o.IncludeBaggage("tenant.id"))
            .WriteTo.OpenTelemetry(o =>
            {
                o.Endpoint = receiver.LogsEndpoint;
                o.Protocol = OtlpProtocol.HttpProtobuf;
                o.ResourceAttributes = new Dictionary<string, object> { ["service.name"] = "checkout" };
            })
            .CreateLogger();

        var expected = new Dictionary<string, (string Trace, string Span)>();
        for (var i = 0; i < 5; i++)
        {
            using var span = Spans.Start($"order {i}");
            span.AddBaggage("tenant.id", "acme");
            logger.Information("Order {OrderId} placed", i);
            expected[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = (span.TraceId.ToHexString(), span.SpanId.ToHexString());
        }

        Activity.Current = null;
        logger.Information("outside");
        await ((IAsyncDisposable)logger).DisposeAsync();

        var records = receiver.Bodies
            .SelectMany(OtlpLogRecord.Parse)
            .ToList();

        Assert.Equal(6, records.Count);
        foreach (var record in records.Where(r => r.Attribute("OrderId") is not null))
        {
            var (trace, span) = expected[record.Attribute("OrderId")!];
            Assert.Equal(trace, record.Attribute("trace_id"));
            Assert.Equal(span, record.Attribute("span_id"));
            Assert.Equal("acme", record.Attribute("tenant.id"));

            // The sink's own OTLP fields, from Serilog's capture: the same span, so backends join either way.
            Assert.Equal(trace, record.TraceId);
            Assert.Equal(span, record.SpanId);
        }

        var outside = Assert.Single(records, r => r.Attribute("OrderId") is null);
        Assert.Null(outside.Attribute("trace_id"));
        Assert.Empty(outside.TraceId);
    }
}
