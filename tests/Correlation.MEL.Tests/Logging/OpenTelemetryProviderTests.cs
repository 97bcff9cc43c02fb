using Correlation.Context;
using Correlation.MEL.Tests.Support;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Correlation.MEL.Tests.Logging;

/// <summary>Records written through MEL into OpenTelemetry's logging provider, exported by a real (collecting) exporter.</summary>
public class OpenTelemetryProviderTests
{
    private static (ILoggerFactory Factory, CollectingLogExporter Exporter) Create(bool correlationFirst, Action<Correlation.Logging.TraceCorrelationLoggerOptions>? configure = null, Action<ILoggingBuilder>? more = null)
    {
        var exporter = new CollectingLogExporter();
        var factory = LoggerFactory.Create(builder =>
        {
            if (correlationFirst)
            {
                builder.AddTraceCorrelation(configure);
            }

            builder.AddOpenTelemetry(o =>
            {
                o.IncludeScopes = true;
                o.IncludeFormattedMessage = true;
                o.AddProcessor(new SimpleLogRecordExportProcessor(exporter));
            });
            more?.Invoke(builder);
            if (!correlationFirst)
            {
                builder.AddTraceCorrelation(configure);
            }
        });
        return (factory, exporter);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_kind_of_call_carries_the_fields_as_attributes_once(bool correlationFirst)
    {
        var (factory, exporter) = Create(correlationFirst);
        using (factory)
        using (var span = TestSpan.Start())
        {
            var logger = factory.CreateLogger("OtelTest");
            AppLog.WriteEachCallShape(logger);
            using (logger.BeginScope("Request {RequestId}", "r-1"))
            {
                logger.LogWarning("In scope");
            }

            Assert.Equal(5, exporter.Records.Count);
            foreach (var record in exporter.Records)
            {
                Assert.Equal(span.TraceId(), record.Get("trace_id"));
                Assert.Equal(span.SpanId(), record.Get("span_id"));
                Assert.Equal(1, record.CountOf("trace_id"));

                // OpenTelemetry's own record-level ids agree with ours.
                Assert.Equal(span.TraceId(), record.TraceId);
            }

            var first = exporter.Records[0];
            Assert.Equal("Hello world", first.FormattedMessage);
            Assert.Equal("Hello {Name}", first.Body);
            Assert.Equal("world", first.Get("Name"));
            Assert.Equal("Order o-1 placed with 2 items", exporter.Records[1].FormattedMessage);
            Assert.Equal("o-1", exporter.Records[1].Get("OrderId"));
            Assert.Equal("Seven 1 2 3 4 5 6 7", exporter.Records[3].FormattedMessage);
            Assert.Equal("Seven {A} {B} {C} {D} {E} {F} {G}", exporter.Records[3].Body);
        }
    }

    [Fact]
    public void A_custom_profile_and_a_baggage_key_are_written_with_their_names()
    {
        var (factory, exporter) = Create(false, o =>
        {
            o.Context.Profile = TraceFieldProfile.Datadog;
            o.Context.IncludeBaggage("tenant.id", "tenant");
        });
        using (factory)
        using (var span = TestSpan.Start())
        {
            span.AddBaggage("tenant.id", "acme");
            factory.CreateLogger("OtelTest").LogInformation("Dd");
            var record = Assert.Single(exporter.Records);
            Assert.Equal(IdFormatting.ToDecimalLower64(span.TraceId()), record.Get("dd.trace_id"));
            Assert.Equal("acme", record.Get("tenant"));
            Assert.Null(record.Get("trace_id"));
        }
    }
}
