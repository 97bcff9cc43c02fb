using Correlation.Context;
using Correlation.MEL.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Correlation.MEL.Tests.Logging;

/// <summary>
/// The record state every provider receives, read the way buffering providers read it: kept by a real provider and
/// read after the call (and after the span changed), through a real <see cref="LoggerFactory"/>.
/// </summary>
public class CorrelatedLogStateTests
{
    private static readonly Action<ILogger, string, int, Exception?> s_orderPlaced =
        LoggerMessage.Define<string, int>(LogLevel.Information, new EventId(10, "OrderPlaced"), "Order {OrderId} placed with {Items} items");

    // The same state type as s_orderPlaced (LoggerMessage.Define<string, int>), another template.
#pragma warning disable CA1727 // the point: a hole named like a field
    private static readonly Action<ILogger, string, int, Exception?> s_linked =
        LoggerMessage.Define<string, int>(LogLevel.Information, new EventId(11, "Linked"), "Linked to {trace_id} after {Tries} tries");
#pragma warning restore CA1727

    private static (ILoggerFactory Factory, KeepingProvider Records) Create(Action<Correlation.Logging.TraceCorrelationLoggerOptions>? configure = null)
    {
        var records = new KeepingProvider();
        var factory = LoggerFactory.Create(builder =>
        {
            builder.AddProvider(records);
            builder.AddTraceCorrelation(configure);
        });
        return (factory, records);
    }

    [Fact]
    public void Two_factories_with_different_profiles_never_share_names_for_the_same_message()
    {
        var (otel, otelRecords) = Create();
        var (ecs, ecsRecords) = Create(o => o.Context.Profile = TraceFieldProfile.ElasticCommonSchema);
        using (otel)
        using (ecs)
        using (var span = TestSpan.Start())
        {
            var otelLogger = otel.CreateLogger("A");
            var ecsLogger = ecs.CreateLogger("B");

            // Alternating, so each call finds the other factory's shape as the last one used for this state type.
            for (var i = 0; i < 3; i++)
            {
                s_orderPlaced(otelLogger, "o-" + i, i, null);
                s_orderPlaced(ecsLogger, "o-" + i, i, null);
            }

            Assert.Equal(3, otelRecords.Count);
            Assert.Equal(3, ecsRecords.Count);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(["OrderId", "Items", "trace_id", "span_id", "{OriginalFormat}"], otelRecords.Keys(i));
                Assert.Equal(["OrderId", "Items", "trace.id", "span.id", "{OriginalFormat}"], ecsRecords.Keys(i));
                Assert.Equal(span.TraceId(), otelRecords.Value(i, "trace_id"));
                Assert.Equal(span.TraceId(), ecsRecords.Value(i, "trace.id"));
                Assert.Equal($"Order o-{i} placed with {i} items", otelRecords.Message(i));
                Assert.Equal($"Order o-{i} placed with {i} items", ecsRecords.Message(i));
            }
        }
    }

    [Fact]
    public void Two_templates_of_one_state_type_each_keep_their_own_answer_about_colliding_names()
    {
        var (factory, records) = Create();
        using (factory)
        using (var span = TestSpan.Start())
        {
            var logger = factory.CreateLogger("A");
            for (var i = 0; i < 2; i++)
            {
                s_linked(logger, "caller-value", i, null);
                s_orderPlaced(logger, "o-1", i, null);
            }

            for (var i = 0; i < 4; i += 2)
            {
                Assert.Equal(["trace_id", "Tries", "span_id", "{OriginalFormat}"], records.Keys(i));
                Assert.Equal("caller-value", records.Value(i, "trace_id"));
                Assert.Equal(span.SpanId(), records.Value(i, "span_id"));
                Assert.Equal(["OrderId", "Items", "trace_id", "span_id", "{OriginalFormat}"], records.Keys(i + 1));
                Assert.Equal(span.TraceId(), records.Value(i + 1, "trace_id"));
            }
        }
    }

    [Fact]
    public void A_kept_record_has_the_values_of_its_call_after_the_baggage_changed()
    {
        var (factory, records) = Create(o => o.Context.IncludeBaggage("tenant.id").IncludeBaggage("region"));
        using (factory)
        using (var span = TestSpan.Start())
        {
            var logger = factory.CreateLogger("A");
            span.AddBaggage("tenant.id", "first");
            s_orderPlaced(logger, "o-1", 1, null);
            span.AddBaggage("region", "eu");
            span.AddBaggage("tenant.id", "second");
            s_orderPlaced(logger, "o-2", 2, null);

            // Read only now, after both calls (a buffering provider does that).
            Assert.Equal(["OrderId", "Items", "trace_id", "span_id", "tenant.id", "{OriginalFormat}"], records.Keys(0));
            Assert.Equal("first", records.Value(0, "tenant.id"));
            Assert.Equal(["OrderId", "Items", "trace_id", "span_id", "tenant.id", "region", "{OriginalFormat}"], records.Keys(1));
            Assert.Equal("second", records.Value(1, "tenant.id"));
            Assert.Equal("eu", records.Value(1, "region"));
        }
    }

    [Fact]
    public void The_same_message_inside_and_outside_a_span_gets_the_fields_each_can_have()
    {
        var (factory, records) = Create(o => o.Context.IncludeBaggage("tenant.id"));
        using (factory)
        {
            var logger = factory.CreateLogger("A");
            using (var span = TestSpan.Start())
            {
                span.AddBaggage("tenant.id", "acme");
                s_orderPlaced(logger, "o-1", 1, null);
            }

            using (var other = TestSpan.Start())
            {
                other.AddBaggage("tenant.id", "outside");

                // A hierarchical activity is no span: ids are left out, the baggage seen from it is still written.
                var hierarchical = new System.Diagnostics.Activity("legacy");
                hierarchical.SetIdFormat(System.Diagnostics.ActivityIdFormat.Hierarchical);
                hierarchical.Start();
                s_orderPlaced(logger, "o-2", 2, null);
                hierarchical.Stop();
            }

            s_orderPlaced(logger, "o-3", 3, null);

            Assert.Equal(["OrderId", "Items", "trace_id", "span_id", "tenant.id", "{OriginalFormat}"], records.Keys(0));
            Assert.Equal(["OrderId", "Items", "tenant.id", "{OriginalFormat}"], records.Keys(1));
            Assert.Equal("outside", records.Value(1, "tenant.id"));

            // Outside any span with nothing to add, the caller's state goes through as it is.
            Assert.False(records.IsOurs(2));
            Assert.Equal(["OrderId", "Items", "{OriginalFormat}"], records.Keys(2));
        }
    }

    [Fact]
    public void Records_of_one_state_type_are_formatted_by_their_own_formatter()
    {
        var (factory, records) = Create();
        using (factory)
        using (TestSpan.Start())
        {
            var logger = factory.CreateLogger("A");
            logger.Log(LogLevel.Information, new EventId(1), "state", null, static (s, _) => "first:" + s);
            logger.Log(LogLevel.Information, new EventId(2), "state", null, static (s, _) => "second:" + s);

            // A formatter built per call (more of them than the shapes table holds) is still the one each record uses.
            for (var i = 0; i < 1100; i++)
            {
                var n = i;
                logger.Log(LogLevel.Information, new EventId(3), "state", null, (s, _) => s + n);
            }

            Assert.Equal("first:state", records.Message(0));
            Assert.Equal("second:state", records.Message(1));
            for (var i = 0; i < 1100; i += 99)
            {
                Assert.Equal("state" + i, records.Message(2 + i));
            }

            // A state that is not a list of entries: only the fields, and its own text.
            Assert.Equal(["trace_id", "span_id"], records.Keys(0));
            Assert.Equal("state", records.StateText(0));
        }
    }

    [Fact]
    public void List_states_with_one_template_are_each_read_for_the_keys_they_have()
    {
        var (factory, records) = Create();
        using (factory)
        using (var span = TestSpan.Start())
        {
            var logger = factory.CreateLogger("A");

            // A state the caller builds itself: one template (one string instance), one formatter, entries that differ.
            const string Template = "User event";
            Func<List<KeyValuePair<string, object?>>, Exception?, string> format = static (_, _) => Template;
            List<KeyValuePair<string, object?>> WithKey(string key) => [new(key, "caller-value"), new("{OriginalFormat}", Template)];
            logger.Log(LogLevel.Information, default, WithKey("trace_id"), null, format);
            logger.Log(LogLevel.Information, default, WithKey("user"), null, format);
            logger.Log(LogLevel.Information, default, WithKey("trace_id"), null, format);

            Assert.Equal(["trace_id", "span_id", "{OriginalFormat}"], records.Keys(0));
            Assert.Equal("caller-value", records.Value(0, "trace_id"));
            Assert.Equal(["user", "trace_id", "span_id", "{OriginalFormat}"], records.Keys(1));
            Assert.Equal(span.TraceId(), records.Value(1, "trace_id"));
            Assert.Equal(["trace_id", "span_id", "{OriginalFormat}"], records.Keys(2));
            Assert.Equal("caller-value", records.Value(2, "trace_id"));
        }
    }

    [Fact]
    public void Count_indexer_and_enumeration_agree_and_an_index_past_the_end_throws()
    {
        var (factory, records) = Create(o => o.Context.Profile = TraceFieldProfile.Serilog);
        using (factory)
        using (var parent = TestSpan.Start("parent"))
        using (var span = TestSpan.Start("child"))
        {
            s_orderPlaced(factory.CreateLogger("A"), "o-1", 1, null);
            var state = records.State(0);
            Assert.Equal(6, state.Count);
            var enumerated = state.ToList();
            Assert.Equal(Enumerable.Range(0, state.Count).Select(i => state[i]), enumerated);
            Assert.Equal(parent.SpanId(), records.Value(0, "ParentId"));
            Assert.Throws<ArgumentOutOfRangeException>(() => state[state.Count]);
            Assert.Throws<ArgumentOutOfRangeException>(() => state[-1]);
        }
    }

    /// <summary>A provider that keeps every record's state and formatter, as buffering providers do, to read later.</summary>
    private sealed class KeepingProvider : ILoggerProvider, ILogger
    {
        private readonly List<(object? State, Func<string> Format)> _records = [];

        public int Count => _records.Count;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => _records.Add((state, () => formatter(state, exception)));

        public IReadOnlyList<KeyValuePair<string, object?>> State(int record)
            => _records[record].State as IReadOnlyList<KeyValuePair<string, object?>> ?? [];

        public bool IsOurs(int record) => _records[record].State?.GetType().Name.StartsWith("CorrelatedLogState", StringComparison.Ordinal) == true;

        public string[] Keys(int record) => State(record).Select(p => p.Key).ToArray();

        public object? Value(int record, string key) => State(record).Single(p => p.Key == key).Value;

        public string Message(int record) => _records[record].Format();

        public string? StateText(int record) => _records[record].State?.ToString();

        public void Dispose()
        {
        }
    }
}
