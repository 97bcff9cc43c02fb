using System.Diagnostics;
using Correlation.Context;
using Correlation.Serilog.Tests.Support;
using Correlation.Trace;
using Serilog;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace Correlation.Serilog.Tests.Enrichers;

public class TraceContextEnricherTests
{
    private static (ILogger Logger, CollectingSink Sink) Create(Action<TraceContextOptions>? configure = null)
    {
        var sink = new CollectingSink();
        var configuration = new LoggerConfiguration().WriteTo.Sink(sink);
        configuration = configure is null ? configuration.Enrich.WithTraceContext() : configuration.Enrich.WithTraceContext(configure);
        return (configuration.CreateLogger(), sink);
    }

    [Fact]
    public void Events_in_a_span_carry_its_trace_and_span_id_under_OpenTelemetry_names()
    {
        var (logger, sink) = Create();
        using (var span = Spans.StartChild())
        {
            logger.Information("Order {OrderId} placed", 42);
            var e = sink.Single;
            Assert.Equal(Spans.TraceId, e.Text("trace_id"));
            Assert.Equal(span.SpanId.ToHexString(), e.Text("span_id"));
            Assert.False(e.Properties.ContainsKey("parent_span_id"));
            Assert.Equal(3, e.Properties.Count);
        }
    }

    [Fact]
    public void Parent_flags_and_tracestate_are_written_when_asked()
    {
        var (logger, sink) = Create(o => o.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceFlags | TraceFields.TraceState);
        using var span = Spans.StartChild();
        span.TraceStateString = "congo=t61rcWkgMzE";
        logger.Information("hello");

        var e = sink.Single;
        Assert.Equal(Spans.ParentId, e.Text("parent_span_id"));
        Assert.Equal("01", e.Text("trace_flags"));
        Assert.Equal("congo=t61rcWkgMzE", e.Text("trace_state"));
    }

    [Fact]
    public void A_root_span_has_no_parent_field_unless_empty_fields_are_written()
    {
        var (omit, omitSink) = Create(o => o.Fields = TraceFields.TraceId | TraceFields.ParentSpanId);
        var (empty, emptySink) = Create(o =>
        {
            o.Fields = TraceFields.TraceId | TraceFields.ParentSpanId;
            o.MissingFields = MissingFieldBehavior.WriteEmpty;
        });
        using var root = Spans.Start();
        omit.Information("a");
        empty.Information("b");

        Assert.False(omitSink.Single.Properties.ContainsKey("parent_span_id"));
        Assert.Equal(string.Empty, emptySink.Single.Text("parent_span_id"));
        Assert.Equal(root.TraceId.ToHexString(), emptySink.Single.Text("trace_id"));
    }

    [Fact]
    public void Outside_a_span_fields_are_omitted_by_default()
    {
        var (logger, sink) = Create(o => o.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.TraceFlags);
        Activity.Current = null;
        logger.Information("no span");
        using (Spans.StartChild())
        {
            logger.Information("in a span");
        }

        // The same logger writes all three fields in a span, so their absence outside one is the enricher's doing.
        Assert.Empty(sink.Events[0].Properties);
        Assert.Equal(3, sink.Events[1].Properties.Count);
        Assert.Equal(Spans.TraceId, sink.Events[1].Text("trace_id"));
    }

    [Fact]
    public void Outside_a_span_fields_are_written_empty_when_asked()
    {
        var (logger, sink) = Create(o =>
        {
            o.MissingFields = MissingFieldBehavior.WriteEmpty;
            o.IncludeBaggage("tenant.id");
        });
        Activity.Current = null;
        logger.Information("no span");
        logger.Information("still none");

        foreach (var e in sink.Events)
        {
            Assert.Equal(string.Empty, e.Text("trace_id"));
            Assert.Equal(string.Empty, e.Text("span_id"));
            Assert.Equal(string.Empty, e.Text("tenant.id"));
        }
    }

    [Fact]
    public void A_property_the_user_set_wins()
    {
        var (logger, sink) = Create(o => o.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.TraceFlags);
        using var span = Spans.StartChild();
        logger.ForContext("trace_id", "mine").Information("Order {span_id}", "theirs");

        Assert.Equal("mine", sink.Single.Text("trace_id"));
        Assert.Equal("theirs", sink.Single.Text("span_id"));

        // The event was enriched: the field the user did not set is there.
        Assert.Equal("01", sink.Single.Text("trace_flags"));
    }

    [Fact]
    public void Each_event_gets_the_span_current_when_it_was_written()
    {
        var (logger, sink) = Create();
        using var outer = Spans.Start("outer");
        logger.Information("outer 1");
        string innerSpanId;
        using (var inner = Spans.Start("inner"))
        {
            innerSpanId = inner.SpanId.ToHexString();
            logger.Information("inner");
        }

        logger.Information("outer 2");

        var events = sink.Events;
        Assert.Equal(outer.SpanId.ToHexString(), events[0].Text("span_id"));
        Assert.Equal(innerSpanId, events[1].Text("span_id"));
        Assert.Equal(outer.TraceId.ToHexString(), events[1].Text("trace_id"));
        Assert.Equal(outer.SpanId.ToHexString(), events[2].Text("span_id"));
    }

    [Fact]
    public void Flags_changed_during_a_span_are_not_served_stale()
    {
        var (logger, sink) = Create(o => o.Fields = TraceFields.TraceFlags);
        using var span = Spans.Start(sampled: false);
        logger.Information("before");
        span.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        logger.Information("after");

        Assert.Equal("00", sink.Events[0].Text("trace_flags"));
        Assert.Equal("01", sink.Events[1].Text("trace_flags"));
    }

    [Fact]
    public void Baggage_keys_on_the_allow_list_are_written_and_others_are_not()
    {
        var (logger, sink) = Create(o => o.IncludeBaggage("tenant.id").IncludeBaggage("user.id", "user"));
        using var span = Spans.Start();
        span.AddBaggage("tenant.id", "acme");
        span.AddBaggage("user.id", "u-7");
        span.AddBaggage("secret", "do-not-log");
        logger.Information("hello");

        var e = sink.Single;
        Assert.Equal("acme", e.Text("tenant.id"));
        Assert.Equal("u-7", e.Text("user"));
        Assert.DoesNotContain(e.Properties.Values, v => v.ToString().Contains("do-not-log", StringComparison.Ordinal));
    }

    [Fact]
    public void Baggage_added_or_changed_during_a_span_is_seen_by_the_next_event()
    {
        var (logger, sink) = Create(o => o.IncludeBaggage("tenant.id"));
        using var span = Spans.Start();
        logger.Information("none yet");
        span.SetBaggage("tenant.id", "acme");
        logger.Information("acme");
        span.SetBaggage("tenant.id", "globex");
        logger.Information("globex");

        Assert.Null(sink.Events[0].Text("tenant.id"));
        Assert.Equal("acme", sink.Events[1].Text("tenant.id"));
        Assert.Equal("globex", sink.Events[2].Text("tenant.id"));
    }

    [Fact]
    public void OpenTelemetry_baggage_wins_over_Activity_baggage_and_works_outside_a_span()
    {
        var (logger, sink) = Create(o => o.IncludeBaggage("tenant.id"));
        var previous = OpenTelemetry.Baggage.Current;
        try
        {
            OpenTelemetry.Baggage.Current = OpenTelemetry.Baggage.Create(new Dictionary<string, string> { ["tenant.id"] = "from-otel" });
            logger.Information("outside");
            using (var span = Spans.Start())
            {
                span.AddBaggage("tenant.id", "from-activity");
                logger.Information("inside");
            }
        }
        finally
        {
            OpenTelemetry.Baggage.Current = previous;
        }

        Assert.All(sink.Events, e => Assert.Equal("from-otel", e.Text("tenant.id")));
    }

    [Fact]
    public void Resource_fields_come_from_the_configured_resource_inside_and_outside_a_span()
    {
        var resource = new ResourceBuilder().IgnoreEnvironment().AddService("checkout", "1.4.2").AddAttribute(Resource.DeploymentEnvironmentKey, "prod").Build();
        var (logger, sink) = Create(o =>
        {
            o.Resource = resource;
            o.IncludeServiceFields();
            o.IncludeResource("service.name", "svc");
        });
        Activity.Current = null;
        logger.Information("outside");
        using (Spans.Start())
        {
            logger.Information("inside");
        }

        Assert.All(sink.Events, e =>
        {
            Assert.Equal("checkout", e.Text("svc"));
            Assert.Equal("1.4.2", e.Text("service.version"));
            Assert.Equal("prod", e.Text("deployment.environment.name"));
        });
        Assert.Null(sink.Events[0].Text("trace_id"));
        Assert.NotNull(sink.Events[1].Text("trace_id"));
    }

    [Fact]
    public void Loggers_with_different_options_never_share_cached_properties()
    {
        var (otel, otelSink) = Create();
        var (datadog, datadogSink) = Create(o => o.Profile = TraceFieldProfile.Datadog);
        using var span = Spans.StartChild();
        for (var i = 0; i < 3; i++)
        {
            otel.Information("a");
            datadog.Information("b");
        }

        Assert.All(otelSink.Events, e => Assert.Equal(Spans.TraceId, e.Text("trace_id")));
        Assert.All(datadogSink.Events, e => Assert.Equal("11803532876627986230", e.Text("dd.trace_id")));
        Assert.All(otelSink.Events, e => Assert.False(e.Properties.ContainsKey("dd.trace_id")));
    }

    [Fact]
    public void Two_loggers_on_one_thread_alternating_between_spans_each_get_their_own_names_and_the_right_ids()
    {
        var (otel, otelSink) = Create();
        var (custom, customSink) = Create(o =>
        {
            o.Names[TraceFields.TraceId] = "traceId";
            o.Names[TraceFields.SpanId] = "spanId";
        });
        using var a = Spans.Start("a");
        using var b = new Activity("b").SetIdFormat(ActivityIdFormat.W3C).Start();
        var expected = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            Activity.Current = i % 2 == 0 ? a : b;
            otel.Information("o");
            custom.Information("c");
            expected.Add(Activity.Current.SpanId.ToHexString());
        }

        Assert.Equal(expected, otelSink.Events.Select(e => e.Text("span_id")));
        Assert.Equal(expected, customSink.Events.Select(e => e.Text("spanId")));
        Assert.All(otelSink.Events, e => Assert.Equal(a.TraceId.ToHexString(), e.Text("trace_id")));
        Assert.All(customSink.Events, e => Assert.Equal(a.TraceId.ToHexString(), e.Text("traceId")));
        Assert.All(otelSink.Events, e => Assert.False(e.Properties.ContainsKey("spanId")));
        Assert.All(customSink.Events, e => Assert.False(e.Properties.ContainsKey("span_id")));
    }

    [Fact]
    public void An_event_carrying_the_ids_of_another_span_is_enriched_with_those_ids_not_the_current_spans()
    {
        var (logger, sink) = Create();
        using var current = Spans.StartChild();
        var traceId = ActivityTraceId.CreateRandom();
        var spanId = ActivitySpanId.CreateRandom();
        var parser = new global::Serilog.Parsing.MessageTemplateParser();
        var logEvent = new global::Serilog.Events.LogEvent(
            DateTimeOffset.Now, global::Serilog.Events.LogEventLevel.Information, null, parser.Parse("replayed"), [], traceId, spanId);

        logger.Write(logEvent);
        logger.Information("live");

        Assert.Equal(traceId.ToHexString(), sink.Events[0].Text("trace_id"));
        Assert.Equal(spanId.ToHexString(), sink.Events[0].Text("span_id"));
        Assert.Equal(Spans.TraceId, sink.Events[1].Text("trace_id"));
        Assert.Equal(current.SpanId.ToHexString(), sink.Events[1].Text("span_id"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_event_carrying_the_ids_of_another_span_never_gets_the_current_spans_fields_whatever_the_field_set(bool writeEmpty)
    {
        var (datadog, datadogSink) = Create(o =>
        {
            o.Profile = TraceFieldProfile.Datadog;
            o.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceFlags;
            o.MissingFields = writeEmpty ? MissingFieldBehavior.WriteEmpty : MissingFieldBehavior.Omit;
        });
        var (hex, hexSink) = Create(o =>
        {
            o.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceState;
            o.MissingFields = writeEmpty ? MissingFieldBehavior.WriteEmpty : MissingFieldBehavior.Omit;
        });
        using var current = Spans.StartChild();
        current.TraceStateString = "vendor=current";
        var traceId = ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c");
        var spanId = ActivitySpanId.CreateFromString("b7ad6b7169203331");
        var parser = new global::Serilog.Parsing.MessageTemplateParser();
        var replayed = new global::Serilog.Events.LogEvent(
            DateTimeOffset.Now, global::Serilog.Events.LogEventLevel.Information, null, parser.Parse("replayed"), [], traceId, spanId);

        datadog.Write(replayed);
        hex.Write(replayed);

        var d = datadogSink.Single;
        Assert.Equal(((ulong)0x8448eb211c80319c).ToString(System.Globalization.CultureInfo.InvariantCulture), d.Text("dd.trace_id"));
        Assert.Equal(((ulong)0xb7ad6b7169203331).ToString(System.Globalization.CultureInfo.InvariantCulture), d.Text("dd.span_id"));
        var h = hexSink.Single;
        Assert.Equal(traceId.ToHexString(), h.Text("trace_id"));
        Assert.Equal(spanId.ToHexString(), h.Text("span_id"));

        // The parent, flags and tracestate of the event's span are not known here; the current span's are not the event's.
        var missing = writeEmpty ? string.Empty : null;
        Assert.Equal(missing, d.Text("dd.parent_id"));
        Assert.Equal(missing, d.Text("dd.trace_flags"));
        Assert.Equal(missing, h.Text("parent_span_id"));
        Assert.Equal(missing, h.Text("trace_state"));
    }

    [Fact]
    public void An_event_built_without_ids_gets_the_current_spans_ids_whatever_the_field_set()
    {
        var (ids, idsSink) = Create();
        var (more, moreSink) = Create(o => o.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId);
        using var current = Spans.StartChild();
        var parser = new global::Serilog.Parsing.MessageTemplateParser();
        ids.Write(new global::Serilog.Events.LogEvent(
            DateTimeOffset.Now, global::Serilog.Events.LogEventLevel.Information, null, parser.Parse("built"), []));
        more.Write(new global::Serilog.Events.LogEvent(
            DateTimeOffset.Now, global::Serilog.Events.LogEventLevel.Information, null, parser.Parse("built"), []));

        Assert.Equal(current.SpanId.ToHexString(), idsSink.Single.Text("span_id"));
        Assert.Equal(Spans.TraceId, idsSink.Single.Text("trace_id"));
        Assert.Equal(current.SpanId.ToHexString(), moreSink.Single.Text("span_id"));
        Assert.Equal(Spans.ParentId, moreSink.Single.Text("parent_span_id"));
    }

    // The configurations the edge cases below run through: the fast path (hex ids, any names) and the general one
    // (decimal ids, fields only a span has, fields written empty, baggage).
    private static Action<TraceContextOptions>? Configuration(string name) => name switch
    {
        "default" => null,
        "renamed" => static o =>
        {
            o.Names[TraceFields.TraceId] = "traceId";
            o.Names[TraceFields.SpanId] = "spanId";
        },
        "datadog" => static o =>
        {
            o.Profile = TraceFieldProfile.Datadog;
            o.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceFlags;
        },
        "parent-flags" => static o => o.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceFlags,
        "write-empty" => static o =>
        {
            o.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceFlags;
            o.MissingFields = MissingFieldBehavior.WriteEmpty;
        },
        "baggage" => static o => o.IncludeBaggage("tenant.id"),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static readonly string[] Configurations = ["default", "renamed", "datadog", "parent-flags", "write-empty", "baggage"];

    private static global::Serilog.Events.LogEvent Built(ActivityTraceId traceId, ActivitySpanId spanId)
        => new(DateTimeOffset.Now, global::Serilog.Events.LogEventLevel.Information, null,
            new global::Serilog.Parsing.MessageTemplateParser().Parse("built"), [], traceId, spanId);

    private static global::Serilog.Events.LogEvent BuiltWithoutIds()
        => new(DateTimeOffset.Now, global::Serilog.Events.LogEventLevel.Information, null,
            new global::Serilog.Parsing.MessageTemplateParser().Parse("built"), []);

    // Every property as name=text, sorted: compares whole field sets, whatever the configuration's names.
    private static string Fields(global::Serilog.Events.LogEvent e)
        => string.Join(" ", e.Properties.Keys.Order(StringComparer.Ordinal).Select(k => $"{k}={e.Text(k)}"));

    public static TheoryData<string, bool, bool> ZeroIdCases()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var configuration in Configurations)
        {
            foreach (var fromBytes in new[] { false, true })
            {
                data.Add(configuration, fromBytes, true);
                data.Add(configuration, fromBytes, false);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ZeroIdCases))]
    public void An_event_built_with_all_zero_ids_is_enriched_like_an_event_built_without_ids(string configuration, bool fromBytes, bool inSpan)
    {
        // All-zero ids are not valid ids (W3C Trace Context; SPEC 4). Serilog maps default(ActivityTraceId) to "no id",
        // but ids made from zero bytes (ActivityTraceId.CreateFromBytes) reach the enricher as "000...0".
        using var errors = new SwallowedErrors();
        var (logger, sink) = Create(Configuration(configuration));
        var zeroTrace = fromBytes ? ActivityTraceId.CreateFromBytes(new byte[16]) : default;
        var zeroSpan = fromBytes ? ActivitySpanId.CreateFromBytes(new byte[8]) : default;
        Activity.Current = null;
        using var current = inSpan ? Spans.StartChild() : null;
        current?.AddBaggage("tenant.id", "acme");

        for (var i = 0; i < 2; i++)
        {
            logger.Write(BuiltWithoutIds());
            logger.Write(Built(zeroTrace, zeroSpan));
            logger.Information("live");
        }

        var events = sink.Events;
        var withoutIds = Fields(events[0]);
        Assert.Equal(inSpan, withoutIds.Contains(inSpan && configuration == "datadog" ? "11803532876627986230" : Spans.TraceId, StringComparison.Ordinal));
        for (var i = 0; i < events.Count; i += 3)
        {
            Assert.Equal(withoutIds, Fields(events[i]));
            Assert.Equal(withoutIds, Fields(events[i + 1]));
            Assert.Equal(withoutIds, Fields(events[i + 2]));
        }

        Assert.All(events.SelectMany(e => e.Properties.Keys.Select(k => e.Text(k) ?? string.Empty)),
            value => Assert.False(value.Length > 0 && value.All(c => c == '0'), $"an all-zero id was written: {value}"));
        Assert.Empty(errors.OnThisThread);
    }

    public static TheoryData<string, bool, bool, bool> IncompleteIdCases()
    {
        var data = new TheoryData<string, bool, bool, bool>();
        foreach (var configuration in Configurations)
        {
            foreach (var traceIdOnly in new[] { true, false })
            {
                foreach (var missingFromBytes in new[] { false, true })
                {
                    data.Add(configuration, traceIdOnly, missingFromBytes, true);
                    data.Add(configuration, traceIdOnly, missingFromBytes, false);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IncompleteIdCases))]
    public void An_event_carrying_only_one_id_never_gets_the_current_spans_ids(string configuration, bool traceIdOnly, bool missingFromBytes, bool sameTrace)
    {
        // A trace id alone says which trace the event belongs to, not which span: it is written, and the span fields are
        // missing. A span id alone means nothing without its trace (the OpenTelemetry log data model wants the trace id
        // with it): no span field is written. Neither is ever completed with the ids of the span current here, which
        // did not create the event, even when it is of the same trace.
        using var errors = new SwallowedErrors();
        var (logger, sink) = Create(Configuration(configuration));
        using var current = Spans.StartChild();
        current.AddBaggage("tenant.id", "acme");
        var traceHex = sameTrace ? Spans.TraceId : "0af7651916cd43dd8448eb211c80319c";
        var eventTrace = traceIdOnly ? ActivityTraceId.CreateFromString(traceHex)
            : missingFromBytes ? ActivityTraceId.CreateFromBytes(new byte[16]) : default;
        var eventSpan = !traceIdOnly ? ActivitySpanId.CreateFromString("b7ad6b7169203331")
            : missingFromBytes ? ActivitySpanId.CreateFromBytes(new byte[8]) : default;

        for (var i = 0; i < 2; i++)
        {
            logger.Information("live");
            logger.Write(Built(eventTrace, eventSpan));
        }

        var traceText = configuration == "datadog"
            ? ulong.Parse(traceHex.AsSpan(16), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : traceHex;
        var expected = (configuration, traceIdOnly) switch
        {
            ("default" or "parent-flags", true) => $"trace_id={traceText}",
            ("renamed", true) => $"traceId={traceText}",
            ("datadog", true) => $"dd.trace_id={traceText}",
            ("write-empty", true) => $"parent_span_id= span_id= trace_flags= trace_id={traceText}",
            ("baggage", true) => $"tenant.id=acme trace_id={traceText}",
            ("write-empty", false) => "parent_span_id= span_id= trace_flags= trace_id=",
            ("baggage", false) => "tenant.id=acme",
            _ => string.Empty,
        };
        var events = sink.Events;
        Assert.Equal(expected, Fields(events[1]));
        Assert.Equal(expected, Fields(events[3]));

        // Control: the same logger writes the current span's ids on the events it creates.
        var currentSpanText = configuration == "datadog"
            ? ulong.Parse(current.SpanId.ToHexString(), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : current.SpanId.ToHexString();
        Assert.Contains(currentSpanText, Fields(events[0]), StringComparison.Ordinal);
        Assert.Equal(Fields(events[0]), Fields(events[2]));

        // Serilog swallows what an enricher throws: the fields must be complete, not what was added before a failure.
        Assert.Empty(errors.OnThisThread);
    }

    [Fact]
    public void Hierarchical_activities_carry_no_trace_id_and_are_treated_as_no_span()
    {
        var (logger, sink) = Create();
        using (new Activity("legacy").SetIdFormat(ActivityIdFormat.Hierarchical).Start())
        {
            logger.Information("hello");
        }

        // Control: the same logger under a W3C span does write the ids.
        using (Spans.StartChild())
        {
            logger.Information("w3c");
        }

        Assert.Empty(sink.Events[0].Properties);
        Assert.Equal(Spans.TraceId, sink.Events[1].Text("trace_id"));
    }

    [Fact]
    public void Registering_twice_writes_the_same_fields_once()
    {
        var sink = new CollectingSink();
        var logger = new LoggerConfiguration().Enrich.WithTraceContext().Enrich.WithTraceContext().WriteTo.Sink(sink).CreateLogger();
        using var span = Spans.StartChild();
        logger.Information("hello");
        Assert.Equal(2, sink.Single.Properties.Count);
        Assert.Equal(Spans.TraceId, sink.Single.Text("trace_id"));
    }

    [Fact]
    public void An_output_template_renders_the_ids_as_plain_text()
    {
        var writer = new TextWriterSink(new MessageTemplateTextFormatter("[{Level:u3}] {Message:lj} trace={trace_id} span={span_id}{NewLine}"));
        var logger = new LoggerConfiguration()
            .Enrich.WithTraceContext()
            .WriteTo.Sink(writer)
            .CreateLogger();
        using var span = Spans.StartChild();
        logger.Information("Order {OrderId} placed", 42);

        Assert.Equal($"[INF] Order 42 placed trace={Spans.TraceId} span={span.SpanId.ToHexString()}{Environment.NewLine}", writer.Text);
    }

    [Fact]
    public void Compact_json_carries_the_fields_next_to_Serilogs_own_ids()
    {
        var writer = new TextWriterSink(new CompactJsonFormatter());
        var logger = new LoggerConfiguration()
            .Enrich.WithTraceContext(o => o.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.TraceFlags)
            .WriteTo.Sink(writer)
            .CreateLogger();
        using var span = Spans.StartChild();
        logger.Information("Order {OrderId} placed", 42);

        var json = System.Text.Json.JsonDocument.Parse(writer.Text).RootElement;
        Assert.Equal(Spans.TraceId, json.GetProperty("trace_id").GetString());
        Assert.Equal(span.SpanId.ToHexString(), json.GetProperty("span_id").GetString());
        Assert.Equal("01", json.GetProperty("trace_flags").GetString());
        Assert.Equal(42, json.GetProperty("OrderId").GetInt32());
        Assert.Equal(Spans.TraceId, json.GetProperty("@tr").GetString());
    }
}
