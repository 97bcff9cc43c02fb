using Correlation.Context;
using Correlation.MEL.GeneratedMessages;
using Correlation.MEL.Tests.Support;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;

namespace Correlation.MEL.Tests.Logging;

/// <summary>Records written through MEL into Serilog's MEL provider (Serilog.Extensions.Logging).</summary>
public class SerilogProviderTests
{
    private static (ILoggerFactory Factory, CollectingSerilogSink Sink) Create(bool correlationFirst, Action<Correlation.Logging.TraceCorrelationLoggerOptions>? configure = null, Action<ILoggingBuilder>? more = null)
    {
        var sink = new CollectingSerilogSink();
        var serilog = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger();
        var factory = LoggerFactory.Create(builder =>
        {
            if (correlationFirst)
            {
                builder.AddTraceCorrelation(configure);
            }

            builder.AddSerilog(serilog, dispose: true);
            if (!correlationFirst)
            {
                builder.AddTraceCorrelation(configure);
            }

            more?.Invoke(builder);
        });
        return (factory, sink);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Extension_method_record_carries_trace_and_span_id_whatever_the_registration_order(bool correlationFirst)
    {
        var (factory, sink) = Create(correlationFirst);
        using (factory)
        using (var span = TestSpan.Start())
        {
            factory.CreateLogger("Test").LogInformation("Hello {Name}", "world");
            var logEvent = Assert.Single(sink.Events);
            Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "trace_id"));
            Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(logEvent, "span_id"));
            Assert.Equal("world", CollectingSerilogSink.Scalar(logEvent, "Name"));
            Assert.Equal("Hello {Name}", logEvent.MessageTemplate.Text);
            Assert.Equal("Hello \"world\"", logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Both_shapes_of_mels_own_source_generator_carry_the_fields_and_keep_their_own_properties(bool correlationFirst)
    {
        var (factory, sink) = Create(correlationFirst);
        using (factory)
        using (var span = TestSpan.Start())
        {
            var logger = factory.CreateLogger("Test");
            for (var i = 0; i < 2; i++)
            {
                GeneratedLog.OrderShipped(logger, "o-" + i, 3);
                GeneratedLog.Seven(logger, 1, 2, 3, 4, 5, 6, i);
            }

            var events = sink.Events.ToArray();
            Assert.Equal(4, events.Length);
            foreach (var logEvent in events)
            {
                Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "trace_id"));
                Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(logEvent, "span_id"));
            }

            for (var i = 0; i < 2; i++)
            {
                Assert.Equal("Order {OrderId} shipped with {Items} items", events[2 * i].MessageTemplate.Text);
                Assert.Equal("o-" + i, CollectingSerilogSink.Scalar(events[2 * i], "OrderId"));
                Assert.Equal("3", CollectingSerilogSink.Scalar(events[2 * i], "Items"));
                Assert.Equal("Seven {A} {B} {C} {D} {E} {F} {G}", events[(2 * i) + 1].MessageTemplate.Text);
                Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), CollectingSerilogSink.Scalar(events[(2 * i) + 1], "G"));
                Assert.Equal($"Seven 1 2 3 4 5 6 {i}", events[(2 * i) + 1].RenderMessage(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    [Fact]
    public void Source_generated_and_defined_messages_carry_the_fields_and_keep_their_own_properties()
    {
        var (factory, sink) = Create(false);
        using (factory)
        using (var span = TestSpan.Start())
        {
            var logger = factory.CreateLogger("Test");
            AppLog.OrderPlaced(logger, "o-1", 3);
            AppLog.Seven(logger, 1, 2, 3, 4, 5, 6, 7);
            AppLog.OrderPlacedDefined(logger, "o-2", 4, null);

            Assert.Equal(3, sink.Events.Count);
            foreach (var logEvent in sink.Events)
            {
                Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "trace_id"));
                Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(logEvent, "span_id"));
            }

            var events = sink.Events.ToArray();
            Assert.Equal("Order {OrderId} placed with {Items} items", events[0].MessageTemplate.Text);
            Assert.Equal("o-1", CollectingSerilogSink.Scalar(events[0], "OrderId"));
            Assert.Equal("3", CollectingSerilogSink.Scalar(events[0], "Items"));
            Assert.Equal("7", CollectingSerilogSink.Scalar(events[1], "G"));
            Assert.Equal("Seven {A} {B} {C} {D} {E} {F} {G}", events[1].MessageTemplate.Text);
            Assert.Equal("o-2", CollectingSerilogSink.Scalar(events[2], "OrderId"));
        }
    }

    [Fact]
    public void Inside_a_scope_the_record_keeps_scope_properties_and_gets_the_fields()
    {
        var (factory, sink) = Create(true);
        using (factory)
        using (var span = TestSpan.Start())
        {
            var logger = factory.CreateLogger("Test");
            using (logger.BeginScope(new Dictionary<string, object> { ["RequestPath"] = "/orders" }))
            {
                logger.LogWarning("In scope");
            }

            var logEvent = Assert.Single(sink.Events);
            Assert.Equal("/orders", CollectingSerilogSink.Scalar(logEvent, "RequestPath"));
            Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "trace_id"));
        }
    }

    [Fact]
    public void A_record_whose_state_is_a_dictionary_gets_the_fields_and_keeps_its_entries_and_message()
    {
        var (factory, sink) = Create(true);
        using (factory)
        using (var span = TestSpan.Start())
        {
            var state = new Dictionary<string, object?> { ["OrderId"] = "o-5", ["Items"] = 2 };
            factory.CreateLogger("Test").Log(LogLevel.Information, default, state, null, static (s, _) => "order " + s["OrderId"]);
            var logEvent = Assert.Single(sink.Events);
            Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "trace_id"));
            Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(logEvent, "span_id"));
            Assert.Equal("o-5", CollectingSerilogSink.Scalar(logEvent, "OrderId"));
            Assert.Equal("2", CollectingSerilogSink.Scalar(logEvent, "Items"));
            Assert.Equal("order o-5", logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(0, true)]
    public void A_list_state_whose_count_lies_or_whose_indexer_throws_is_still_written_with_its_entries(int extraCount, bool indexerThrows)
    {
        // Serilog's provider reads a state through its enumerator, so without us such a record is written whole. Read
        // through its Count and indexer, it threw inside the provider, which dropped the record.
        var (factory, sink) = Create(true);
        using (factory)
        using (var span = TestSpan.Start())
        {
            factory.CreateLogger("Test").Log(LogLevel.Information, default, new UnreliableList(extraCount, indexerThrows), null, static (s, _) => s.ToString());
            var logEvent = Assert.Single(sink.Events);
            Assert.Equal("o-1", CollectingSerilogSink.Scalar(logEvent, "OrderId"));
            Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "trace_id"));
            Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(logEvent, "span_id"));
            Assert.Equal("Order {OrderId}", logEvent.MessageTemplate.Text);
        }
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(0, true)]
    public void A_collection_state_whose_count_lies_or_whose_copy_throws_is_still_written_with_its_fields(int extraCount, bool copyThrows)
    {
        // The same state as a full IList (an ICollection too): a copy made by List's constructor reads it through Count
        // and CopyTo, not its enumerator; a Count that says more gave entries without a key, a CopyTo that throws (a
        // read-only list's usual NotSupportedException) left the record without its fields.
        var (factory, sink) = Create(true);
        using (factory)
        using (var span = TestSpan.Start())
        {
            factory.CreateLogger("Test").Log(LogLevel.Information, default, new UnreliableCollection(extraCount, copyThrows), null, static (s, _) => s.ToString());
            var logEvent = Assert.Single(sink.Events);
            Assert.Equal("o-1", CollectingSerilogSink.Scalar(logEvent, "OrderId"));
            Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "trace_id"));
            Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(logEvent, "span_id"));
            Assert.Equal("Order {OrderId}", logEvent.MessageTemplate.Text);
        }
    }

    [Fact]
    public void Dictionary_states_with_one_template_are_each_read_for_the_keys_they_have()
    {
        var (factory, sink) = Create(true);
        using (factory)
        using (var span = TestSpan.Start())
        {
            var logger = factory.CreateLogger("Test");
            Func<Dictionary<string, object?>, Exception?, string> format = static (s, _) => "order " + s["OrderId"];
            var named = new Dictionary<string, object?> { ["OrderId"] = "o-1", ["trace_id"] = "the caller's", ["{OriginalFormat}"] = "order {OrderId}" };
            var plain = new Dictionary<string, object?> { ["OrderId"] = "o-2", ["Items"] = 3, ["{OriginalFormat}"] = "order {OrderId}" };

            logger.Log(LogLevel.Information, default, named, null, format);
            logger.Log(LogLevel.Information, default, plain, null, format);
            logger.Log(LogLevel.Information, default, named, null, format);

            var events = sink.Events.ToArray();
            Assert.Equal(3, events.Length);
            Assert.Equal("the caller's", CollectingSerilogSink.Scalar(events[0], "trace_id"));
            Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(events[1], "trace_id"));
            Assert.Equal("the caller's", CollectingSerilogSink.Scalar(events[2], "trace_id"));
            Assert.All(events, e => Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(e, "span_id")));
        }
    }

    [Fact]
    public void Outside_a_span_no_field_is_added_and_the_record_is_kept()
    {
        var (factory, sink) = Create(true);
        using (factory)
        {
            Assert.Null(System.Diagnostics.Activity.Current);
            factory.CreateLogger("Test").LogInformation("No span");
            var logEvent = Assert.Single(sink.Events);
            Assert.False(logEvent.Properties.ContainsKey("trace_id"));
            Assert.Equal("No span", logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Calling_it_twice_adds_each_field_once_and_later_options_apply()
    {
        var (factory, sink) = Create(true, configure: null, more: builder => builder.AddTraceCorrelation(o => o.Context.Names[TraceFields.TraceId] = "traceId"));
        using (factory)
        using (var span = TestSpan.Start())
        {
            factory.CreateLogger("Test").LogInformation("Twice");
            var logEvent = Assert.Single(sink.Events);
            Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "traceId"));
            Assert.False(logEvent.Properties.ContainsKey("trace_id"));
            Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(logEvent, "span_id"));
        }
    }

    [Fact]
    public void A_custom_profile_and_baggage_are_written_with_their_names()
    {
        var (factory, sink) = Create(false, o =>
        {
            o.Context.Profile = TraceFieldProfile.ElasticCommonSchema;
            o.Context.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.TraceFlags;
            o.Context.IncludeBaggage("tenant.id", "tenant");
        });
        using (factory)
        using (var span = TestSpan.Start())
        {
            span.AddBaggage("tenant.id", "acme");
            factory.CreateLogger("Test").LogInformation("Custom");
            var logEvent = Assert.Single(sink.Events);
            Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "trace.id"));
            Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(logEvent, "span.id"));
            Assert.Equal("01", CollectingSerilogSink.Scalar(logEvent, "trace.flags"));
            Assert.Equal("acme", CollectingSerilogSink.Scalar(logEvent, "tenant"));
            Assert.False(logEvent.Properties.ContainsKey("trace_id"));
        }
    }

    [Fact]
    public void A_template_hole_with_a_field_name_keeps_the_callers_value_once()
    {
        var (factory, sink) = Create(false);
        using (factory)
        using (var span = TestSpan.Start())
        {
#pragma warning disable CA1727 // the point: a hole named like a field
            factory.CreateLogger("Test").LogInformation("Linked to {trace_id}", "caller-value");
#pragma warning restore CA1727
            var logEvent = Assert.Single(sink.Events);
            Assert.Equal("caller-value", CollectingSerilogSink.Scalar(logEvent, "trace_id"));

            // The record was correlated: the field that does not collide is added.
            Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(logEvent, "span_id"));
        }
    }

    [Fact]
    public void Serilog_profile_coexists_with_activity_tracking_options()
    {
        // TraceFlags is ours alone (activity tracking is not asked for it): it shows our fields are there next to the
        // scope's, whose TraceId, SpanId and ParentId carry the same names and values.
        var (factory, sink) = Create(false, o =>
        {
            o.Context.Profile = TraceFieldProfile.Serilog;
            o.Context.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceFlags;
        }, builder =>
            builder.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId));
        using (factory)
        using (var parent = TestSpan.Start("parent"))
        {
            // Under a root span we leave ParentId out; the scope's zeros are what a provider reading scopes writes.
            factory.CreateLogger("Test").LogInformation("Root");
            var root = Assert.Single(sink.Events);
            Assert.Equal(parent.SpanId(), CollectingSerilogSink.Scalar(root, "SpanId"));
            Assert.Equal("0000000000000000", CollectingSerilogSink.Scalar(root, "ParentId"));
            Assert.Equal("01", CollectingSerilogSink.Scalar(root, "TraceFlags"));

            using var span = TestSpan.Start("child");
            factory.CreateLogger("Test").LogInformation("Both");
            var logEvent = Assert.Single(sink.Events, e => e.MessageTemplate.Text == "Both");
            Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "TraceId"));
            Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(logEvent, "SpanId"));
            Assert.Equal(parent.SpanId(), CollectingSerilogSink.Scalar(logEvent, "ParentId"));
            Assert.Equal("01", CollectingSerilogSink.Scalar(logEvent, "TraceFlags"));
            Assert.Equal(LogEventLevel.Information, logEvent.Level);
        }
    }

    [Fact]
    public void With_write_empty_a_record_outside_a_span_has_empty_ids()
    {
        var (factory, sink) = Create(true, o => o.Context.MissingFields = MissingFieldBehavior.WriteEmpty);
        using (factory)
        {
            Assert.Null(System.Diagnostics.Activity.Current);
            factory.CreateLogger("Test").LogInformation("No span");
            var logEvent = Assert.Single(sink.Events);
            Assert.Equal(string.Empty, CollectingSerilogSink.Scalar(logEvent, "trace_id"));
            Assert.Equal(string.Empty, CollectingSerilogSink.Scalar(logEvent, "span_id"));
        }
    }

    /// <summary>A caller's read-only <see cref="IList{T}"/> whose enumerator is right but whose <c>Count</c> says more or whose <c>CopyTo</c> throws.</summary>
    private sealed class UnreliableCollection(int extraCount, bool copyThrows) : IList<KeyValuePair<string, object?>>
    {
        private readonly List<KeyValuePair<string, object?>> _entries = [new("OrderId", "o-1"), new("{OriginalFormat}", "Order {OrderId}")];

        public int Count => _entries.Count + extraCount;

        public bool IsReadOnly => true;

        public KeyValuePair<string, object?> this[int index]
        {
            get => _entries[index];
            set => throw new NotSupportedException();
        }

        public void CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex)
        {
            if (copyThrows)
            {
                throw new NotSupportedException("CopyTo");
            }

            foreach (var entry in _entries)
            {
                array[arrayIndex++] = entry;
            }
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _entries.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public int IndexOf(KeyValuePair<string, object?> item) => _entries.IndexOf(item);

        public bool Contains(KeyValuePair<string, object?> item) => _entries.Contains(item);

        public void Add(KeyValuePair<string, object?> item) => throw new NotSupportedException();

        public void Insert(int index, KeyValuePair<string, object?> item) => throw new NotSupportedException();

        public bool Remove(KeyValuePair<string, object?> item) => throw new NotSupportedException();

        public void RemoveAt(int index) => throw new NotSupportedException();

        public void Clear() => throw new NotSupportedException();

        public override string ToString() => "Order o-1";
    }

    /// <summary>A caller's list whose enumerator is right but whose <c>Count</c> says more or whose indexer throws.</summary>
    private sealed class UnreliableList(int extraCount, bool indexerThrows) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly List<KeyValuePair<string, object?>> _entries = [new("OrderId", "o-1"), new("{OriginalFormat}", "Order {OrderId}")];

        public int Count => _entries.Count + extraCount;

        public KeyValuePair<string, object?> this[int index] => indexerThrows ? throw new InvalidOperationException("indexer") : _entries[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _entries.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "Order o-1";
    }
}
