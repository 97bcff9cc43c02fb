using System.Diagnostics;
using System.Diagnostics.Tracing;
using Correlation.Context;
using Correlation.Serilog.Enrichers;
using Correlation.Serilog.Tests.Support;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Correlation.Serilog.Tests.Configuration;

/// <summary>Bad configuration fails while configuring, with a message that says what is wrong; log calls never throw.</summary>
public class BadConfigurationTests
{
    [Theory]
    [InlineData("""{ "profile": "Zipkin" }""", "Unknown trace context profile 'Zipkin'")]
    [InlineData("""{ "profile": "7" }""", "Unknown trace context profile '7'")]
    [InlineData("""{ "fields": "TraceId,SpanIdd" }""", "Unknown trace field 'SpanIdd'")]
    [InlineData("""{ "baggage": [ "tenant.id=" ] }""", "baggage entry 'tenant.id='")]
    [InlineData("""{ "resource": [ "=svc" ] }""", "resource entry '=svc'")]
    [InlineData("""{ "names": { "TraceId": "id", "SpanId": "id" } }""", "Two correlation fields are named 'id'")]
    [InlineData("""{ "names": { "Trace": "id" } }""", "Unknown trace field 'Trace'")]
    [InlineData("""{ "names": { "TraceId": "   " } }""", "the name for TraceId is empty")]
    [InlineData("""{ "baggage": [ "trace_id" ] }""", "Two correlation fields are named 'trace_id'")]
    public void A_bad_value_in_the_file_fails_while_configuring_with_a_clear_message(string args, string expected)
    {
        var json = $$"""{ "Serilog": { "Using": [ "Correlation.Serilog" ], "Enrich": [ { "Name": "WithTraceContext", "Args": {{args}} } ] } }""";
        var thrown = Record.Exception(() => ConfigurationFileTests.FromJson(json));

        // Serilog.Settings.Configuration calls the overload through reflection, so what ReadFrom.Configuration throws
        // is a TargetInvocationException whose InnerException is ours (as the README says).
        var invocation = Assert.IsType<System.Reflection.TargetInvocationException>(thrown);
        var argument = Assert.IsAssignableFrom<ArgumentException>(invocation.InnerException);
        Assert.Contains(expected, argument.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_argument_name_the_overload_does_not_have_is_ignored_by_Serilog_Settings_Configuration()
    {
        // Serilog.Settings.Configuration picks the overload matching most argument names and drops the others: MEL's
        // section keys (MissingFields, ResourceFields) in the Args change nothing, as the README warns.
        var (logger, sink) = ConfigurationFileTests.FromJson("""
            { "Serilog": { "Using": [ "Correlation.Serilog" ],
              "Enrich": [ { "Name": "WithTraceContext", "Args": { "Profile": "Datadog", "MissingFields": "WriteEmpty", "ResourceFields": [ "service.name" ] } } ] } }
            """);
        logger.Information("outside");
        using (var span = Spans.StartChild())
        {
            logger.Information("inside");
        }

        Assert.Empty(sink.Events[0].Properties);
        Assert.Equal(["dd.span_id", "dd.trace_id"], sink.Events[1].Properties.Keys.Order(StringComparer.Ordinal));

        // Control: the overload's own names for the same options do apply.
        (logger, sink) = ConfigurationFileTests.FromJson("""
            { "Serilog": { "Using": [ "Correlation.Serilog" ],
              "Enrich": [ { "Name": "WithTraceContext", "Args": { "Profile": "Datadog", "writeEmpty": true, "resource": [ "service.name" ] } } ] } }
            """);
        logger.Information("outside");
        Assert.Equal(["dd.service", "dd.span_id", "dd.trace_id"], sink.Single.Properties.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_invalid_field_name_in_code_fails_while_configuring()
    {
        var thrown = Assert.ThrowsAny<ArgumentException>(() => new LoggerConfiguration().Enrich.WithTraceContext(o => o.Names[TraceFields.SpanId] = " "));
        Assert.Contains("empty name", thrown.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => new LoggerConfiguration().Enrich.WithTraceContext((Action<TraceContextOptions>)null!));
        Assert.ThrowsAny<ArgumentException>(() => new LoggerConfiguration().Enrich.WithTraceContext(o => o.Profile = (TraceFieldProfile)42));
    }

    [Fact]
    public void Options_changed_after_configuration_do_not_affect_the_logger()
    {
        TraceContextOptions? kept = null;
        var sink = new CollectingSink();
        var logger = new LoggerConfiguration().Enrich.WithTraceContext(o => kept = o).WriteTo.Sink(sink).CreateLogger();
        kept!.Profile = TraceFieldProfile.Datadog;
        kept.IncludeBaggage("late");
        using var span = Spans.StartChild();
        logger.Information("hello");
        Assert.Equal(Spans.TraceId, sink.Single.Text("trace_id"));
        Assert.Equal(2, sink.Single.Properties.Count);
    }

    [Fact]
    public void Log_calls_never_throw_in_hostile_trace_contexts()
    {
        // Serilog swallows enricher exceptions, so "no exception" proves nothing: the enricher must report no error
        // and every event must carry the ids of the span that was current when it was written.
        using var listener = new SwallowedListener();
        var sink = new CollectingSink();
        var logger = new LoggerConfiguration()
            .Enrich.WithTraceContext(o =>
            {
                o.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceFlags | TraceFields.TraceState;
                o.IncludeBaggage("k").IncludeServiceFields();
            })
            .Filter.ByExcludingUnsampledTraces()
            .WriteTo.Sink(sink)
            .CreateLogger();
        Activity.Current = null;

        // The runtime refuses Activity.Current = stopped, but a child that stops after its parent makes the stopped
        // parent current again (Stop restores the activity that was current at Start without checking it).
        var stopped = Spans.Start("stopped");
        var child = Spans.Start("child");
        stopped.Stop();
        child.Stop();
        Assert.Same(stopped, Activity.Current);
        Assert.True(stopped.IsStopped);
        logger.Information("stopped");
        Activity.Current = null;

        var odd = Spans.Start("odd");
        odd.ActivityTraceFlags = (ActivityTraceFlags)0xff;
        odd.TraceStateString = new string('x', 10_000);
        odd.AddBaggage("k", new string('v', 100_000));
        logger.Information("odd");
        odd.Stop();
        Activity.Current = null;

        var racing = new Activity[200];
        Parallel.For(0, racing.Length, i =>
        {
            Activity.Current = null;
            using var span = Spans.Start();
            racing[i] = span;
            var ended = Task.Run(span.Stop);
            logger.Information("racing {I}", i);
            ended.Wait();
        });

        Assert.Empty(listener.Errors);
        var events = sink.Events;
        Assert.Equal(202, events.Count);
        AssertIds(stopped, Assert.Single(events, e => e.MessageTemplate.Text == "stopped"));
        var oddEvent = Assert.Single(events, e => e.MessageTemplate.Text == "odd");
        AssertIds(odd, oddEvent);
        Assert.Equal(new string('v', 100_000), oddEvent.Text("k"));
        foreach (var logEvent in events.Where(e => e.MessageTemplate.Text == "racing {I}"))
        {
            var i = (int)((ScalarValue)logEvent.Properties["I"]).Value!;
            AssertIds(racing[i], logEvent);
        }
    }

    private static void AssertIds(Activity span, LogEvent logEvent)
    {
        Assert.Equal(span.TraceId.ToHexString(), logEvent.Text("trace_id"));
        Assert.Equal(span.SpanId.ToHexString(), logEvent.Text("span_id"));
    }

    [Fact]
    public void An_error_inside_the_enricher_is_reported_through_the_event_source_not_thrown()
    {
        using var listener = new SwallowedListener();
        var enricher = new TraceContextEnricher(TraceFieldSet.Create(new TraceContextOptions()));
        using var span = Spans.StartChild();

        // A null event makes Serilog's AddPropertyIfAbsent throw inside the enricher: the error must stay inside.
        var thrown = Record.Exception(() => enricher.Enrich(null!, new NoFactory()));

        Assert.Null(thrown);
        Assert.Contains(listener.Errors, e => e.Contains("Correlation.Serilog.TraceContextEnricher", StringComparison.Ordinal));
    }

    private sealed class NoFactory : ILogEventPropertyFactory
    {
        public LogEventProperty CreateProperty(string name, object? value, bool destructureObjects = false) => new(name, new ScalarValue(value));
    }

    private sealed class SwallowedListener : EventListener
    {
        private readonly List<string> _errors = [];

        public IReadOnlyList<string> Errors
        {
            get
            {
                lock (_errors)
                {
                    return _errors.ToArray();
                }
            }
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Correlation")
            {
                EnableEvents(eventSource, EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName == "ErrorSwallowed" && eventData.Payload is { Count: > 0 } payload)
            {
                lock (_errors)
                {
                    _errors.Add(string.Join(" ", payload));
                }
            }
        }
    }
}
