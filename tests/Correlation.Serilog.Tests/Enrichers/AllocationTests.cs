using Correlation.Context;
using Correlation.Serilog.Enrichers;
using Correlation.Serilog.Tests.Support;
using Correlation.Trace;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace Correlation.Serilog.Tests.Enrichers;

/// <summary>In steady state (same span, warm caches) enriching allocates nothing beyond Serilog's property storage.</summary>
public class AllocationTests
{
    private const int Events = 2_000;

    public static TheoryData<string> Configurations => ["two fields", "three fields", "flags, tracestate and resource", "Datadog", "OpenTelemetry baggage"];

    private static TraceContextOptions Options(string name)
    {
        var options = new TraceContextOptions();
        switch (name)
        {
            case "three fields":
                options.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId;
                break;
            case "flags, tracestate and resource":
                options.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.TraceFlags | TraceFields.TraceState;
                options.Resource = new ResourceBuilder().IgnoreEnvironment().AddService("checkout", "1.0").AddAttribute(Resource.DeploymentEnvironmentKey, "prod").Build();
                options.IncludeServiceFields();
                break;
            case "OpenTelemetry baggage":
                options.IncludeBaggage("tenant.id").IncludeBaggage("user.id", "user");
                break;
            case "Datadog":
                options.Profile = TraceFieldProfile.Datadog;
                break;
        }

        return options;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Enriching_allocates_no_more_than_adding_the_same_properties_prebuilt(string configuration)
    {
        var fieldSet = TraceFieldSet.Create(Options(configuration));
        var enricher = new TraceContextEnricher(fieldSet);
        var prebuilt = fieldSet.Fields.Select(f => new LogEventProperty(f.Name, new ScalarValue("x"))).ToArray();
        var template = new MessageTemplateParser().Parse("Order {OrderId} placed");
        var factory = new NoFactory();

        using var span = Spans.StartChild();
        span.TraceStateString = "congo=t61rcWkgMzE";

        // Baggage through OpenTelemetry's API is read without allocating; Activity.Baggage is not (its only lookup,
        // Activity.GetBaggageItem, enumerates through an iterator: one allocation per key and event).
        var previousBaggage = OpenTelemetry.Baggage.Current;
        OpenTelemetry.Baggage.Current = OpenTelemetry.Baggage.Create(new Dictionary<string, string> { ["tenant.id"] = "acme", ["user.id"] = "u-7" });
        try
        {
            Measure(configuration, fieldSet, enricher, prebuilt, template, factory);
        }
        finally
        {
            OpenTelemetry.Baggage.Current = previousBaggage;
        }
    }

    private static void Measure(string configuration, TraceFieldSet fieldSet, TraceContextEnricher enricher, LogEventProperty[] prebuilt, MessageTemplate template, ILogEventPropertyFactory factory)
    {
        var ours = NewEvents(template);
        var baseline = NewEvents(template);
        var warm = NewEvents(template);
        foreach (var e in warm)
        {
            enricher.Enrich(e, factory);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var e in baseline)
        {
            for (var i = 0; i < prebuilt.Length; i++)
            {
                e.AddPropertyIfAbsent(prebuilt[i]);
            }
        }

        var storage = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var e in ours)
        {
            enricher.Enrich(e, factory);
        }

        var enriching = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(fieldSet.Fields.Count + 1, ours[^1].Properties.Count);
        Assert.Equal(configuration == "Datadog" ? "11803532876627986230" : Spans.TraceId, ours[^1].Text(fieldSet.Fields[0].Name));
        if (configuration == "OpenTelemetry baggage")
        {
            Assert.Equal("u-7", ours[^1].Text("user"));
        }

        Assert.True(enriching <= storage, $"{configuration}: enriching allocated {enriching} bytes for {Events} events, Serilog's storage of the same properties {storage}.");
    }

    [Fact]
    public void Through_a_real_logger_our_enricher_costs_no_more_than_one_adding_constant_properties()
    {
        using var span = Spans.StartChild();
        var fieldSet = TraceFieldSet.Create(new TraceContextOptions());
        var constant = fieldSet.Fields.Select(f => new LogEventProperty(f.Name, new ScalarValue("x"))).ToArray();
        var oursSink = new ReadingSink();
        var baselineSink = new ReadingSink();
        var ours = new LoggerConfiguration().Enrich.WithTraceContext().WriteTo.Sink(oursSink).CreateLogger();
        var baseline = new LoggerConfiguration().Enrich.With(new ConstantEnricher(constant)).WriteTo.Sink(baselineSink).CreateLogger();

        var oursBytes = Measure(ours);
        var baselineBytes = Measure(baseline);

        // Each logger has its own sink: the events measured through ours really carry the span's ids.
        Assert.Equal(3, oursSink.LastCount);
        Assert.Equal(3, baselineSink.LastCount);
        Assert.Equal(Spans.TraceId, oursSink.LastTraceId);
        Assert.Equal(span.SpanId.ToHexString(), oursSink.LastSpanId);
        Assert.True(oursBytes <= baselineBytes, $"ours {oursBytes} bytes, constant properties {baselineBytes} bytes for {Events} events.");
    }

    private static long Measure(Logger logger)
    {
        for (var i = 0; i < 100; i++)
        {
            logger.Information("Order {OrderId} placed", 42);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Events; i++)
        {
            logger.Information("Order {OrderId} placed", 42);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static LogEvent[] NewEvents(MessageTemplate template)
    {
        var events = new LogEvent[Events];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, template, [new LogEventProperty("OrderId", new ScalarValue(42))]);
        }

        return events;
    }

    private sealed class NoFactory : ILogEventPropertyFactory
    {
        public LogEventProperty CreateProperty(string name, object? value, bool destructureObjects = false) => throw new InvalidOperationException("The enricher must not create properties through the factory.");
    }

    private sealed class ConstantEnricher(LogEventProperty[] properties) : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            for (var i = 0; i < properties.Length; i++)
            {
                logEvent.AddPropertyIfAbsent(properties[i]);
            }
        }
    }

    private sealed class ReadingSink : ILogEventSink
    {
        public int LastCount { get; private set; }

        public string? LastTraceId { get; private set; }

        public string? LastSpanId { get; private set; }

        public void Emit(LogEvent logEvent)
        {
            LastTraceId = logEvent.Text("trace_id");
            LastSpanId = logEvent.Text("span_id");
            var count = 0;
            foreach (var pair in logEvent.Properties)
            {
                if (pair.Value is ScalarValue { Value: not null })
                {
                    count++;
                }
            }

            LastCount = count;
        }
    }
}
