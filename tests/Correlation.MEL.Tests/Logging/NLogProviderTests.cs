using Correlation.Context;
using Correlation.MEL.Tests.Support;
using Microsoft.Extensions.Logging;
using NLog.Extensions.Logging;

namespace Correlation.MEL.Tests.Logging;

/// <summary>Records written through MEL into NLog's MEL provider (NLog.Extensions.Logging), which ignores MEL's scopes by default.</summary>
public class NLogProviderTests
{
    private static (ILoggerFactory Factory, CollectingNLogTarget Target) Create(bool correlationFirst, Action<Correlation.Logging.TraceCorrelationLoggerOptions>? configure = null, Action<ILoggingBuilder>? more = null)
    {
        var (logFactory, target) = CollectingNLogTarget.CreateFactory();
        var factory = LoggerFactory.Create(builder =>
        {
            if (correlationFirst)
            {
                builder.AddTraceCorrelation(configure);
            }

            builder.AddNLog(_ => logFactory);
            more?.Invoke(builder);
            if (!correlationFirst)
            {
                builder.AddTraceCorrelation(configure);
            }
        });
        return (factory, target);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_kind_of_call_carries_the_fields_as_event_properties(bool correlationFirst)
    {
        var (factory, target) = Create(correlationFirst);
        using (factory)
        using (var span = TestSpan.Start())
        {
            var logger = factory.CreateLogger("NLogTest");
            AppLog.WriteEachCallShape(logger);
            using (logger.BeginScope("Request {RequestId}", "r-1"))
            {
                logger.LogWarning("In scope");
            }

            var events = target.Events.ToArray();
            Assert.Equal(5, events.Length);
            foreach (var (_, properties) in events)
            {
                Assert.Equal(span.TraceId(), CollectingNLogTarget.Property(properties, "trace_id"));
                Assert.Equal(span.SpanId(), CollectingNLogTarget.Property(properties, "span_id"));
            }

            Assert.Equal("Hello world", events[0].Message);
            Assert.Equal("world", CollectingNLogTarget.Property(events[0].Properties, "Name"));
            Assert.Equal("Order o-1 placed with 2 items", events[1].Message);
            Assert.Equal("o-1", CollectingNLogTarget.Property(events[1].Properties, "OrderId"));
            Assert.Equal("Order o-2 placed with 3 items", events[2].Message);
            Assert.Equal("Seven 1 2 3 4 5 6 7", events[3].Message);
            Assert.Equal("In scope", events[4].Message);
        }
    }

    [Fact]
    public void Activity_tracking_options_alone_do_not_reach_nlog_but_our_fields_do()
    {
        var (factory, target) = Create(false, o => o.Context.Profile = TraceFieldProfile.Serilog, builder =>
            builder.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId));
        using (factory)
        using (var parent = TestSpan.Start("parent"))
        using (var span = TestSpan.Start("child"))
        {
            factory.CreateLogger("NLogTest").LogInformation("Both");
            var (message, properties) = Assert.Single(target.Events);
            Assert.Equal("Both", message);
            Assert.Equal(span.TraceId(), CollectingNLogTarget.Property(properties, "TraceId"));
            Assert.Equal(span.SpanId(), CollectingNLogTarget.Property(properties, "SpanId"));
            Assert.Equal(parent.SpanId(), CollectingNLogTarget.Property(properties, "ParentId"));
        }
    }

    [Fact]
    public void A_custom_profile_is_written_with_its_names()
    {
        var (factory, target) = Create(true, o => o.Context.Profile = TraceFieldProfile.ElasticCommonSchema);
        using (factory)
        using (var span = TestSpan.Start())
        {
            factory.CreateLogger("NLogTest").LogInformation("Ecs");
            var (_, properties) = Assert.Single(target.Events);
            Assert.Equal(span.TraceId(), CollectingNLogTarget.Property(properties, "trace.id"));
            Assert.Equal(span.SpanId(), CollectingNLogTarget.Property(properties, "span.id"));
            Assert.False(properties.ContainsKey("trace_id"));
        }
    }

    [Fact]
    public void Records_of_unsampled_traces_are_dropped_and_counted_when_asked_records_outside_traces_are_kept()
    {
        var thread = Environment.CurrentManagedThreadId;
        long dropped = 0;
        using var meterListener = new System.Diagnostics.Metrics.MeterListener();
        meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Correlation.MEL" && instrument.Name == "correlation.logs.dropped")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            if (Environment.CurrentManagedThreadId == thread)
            {
                dropped += value;
            }
        });
        meterListener.Start();

        var (factory, target) = Create(true, o => o.DropUnsampledTraces = true);
        using (factory)
        {
            var logger = factory.CreateLogger("NLogTest");
            using (TestSpan.Start(sampled: false))
            {
                logger.LogInformation("Unsampled");
            }

            using (var span = TestSpan.Start(sampled: true))
            {
                logger.LogInformation("Sampled");
            }

            logger.LogInformation("Outside");
            Assert.Equal(["Sampled", "Outside"], target.Events.Select(e => e.Message).ToArray());
            Assert.Equal(1, dropped);
        }
    }
}
