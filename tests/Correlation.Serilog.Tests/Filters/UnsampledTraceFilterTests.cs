using System.Diagnostics;
using Correlation.Serilog.Filters;
using Correlation.Serilog.Tests.Support;
using Serilog;

namespace Correlation.Serilog.Tests.Filters;

public class UnsampledTraceFilterTests
{
    [Fact]
    public void Events_of_unsampled_traces_are_dropped_and_counted_others_are_kept()
    {
        var filter = new UnsampledTraceFilter();
        var sink = new CollectingSink();
        var logger = new LoggerConfiguration().Enrich.WithTraceContext().Filter.With(filter).WriteTo.Sink(sink).CreateLogger();

        Activity.Current = null;
        logger.Information("outside any trace");
        using (Spans.StartChild(sampled: false))
        {
            logger.Information("unsampled 1");
            using (Spans.Start("child of unsampled", sampled: false))
            {
                logger.Information("unsampled 2");
            }
        }

        using (Spans.StartChild(sampled: true))
        {
            logger.Information("sampled");
        }

        Assert.Equal(["outside any trace", "sampled"], sink.Events.Select(e => e.MessageTemplate.Text));
        Assert.Equal(2, filter.DroppedCount);
        Assert.Null(sink.Events[0].Text("trace_id"));
        Assert.Equal(Spans.TraceId, sink.Events[1].Text("trace_id"));
    }

    [Fact]
    public void The_count_is_exact_under_concurrent_logging()
    {
        var filter = new UnsampledTraceFilter();
        var sink = new CollectingSink();
        var logger = new LoggerConfiguration().Filter.With(filter).WriteTo.Sink(sink).CreateLogger();

        Parallel.For(0, 400, i =>
        {
            using var span = Spans.Start(sampled: i % 4 != 0);
            logger.Information("item {I}", i);
        });

        Assert.Equal(100, filter.DroppedCount);
        Assert.Equal(300, sink.Events.Count);
    }

    [Fact]
    public void An_event_of_another_trace_than_the_current_span_is_kept()
    {
        var filter = new UnsampledTraceFilter();
        var sink = new CollectingSink();
        var logger = new LoggerConfiguration().Filter.With(filter).WriteTo.Sink(sink).CreateLogger();
        global::Serilog.Events.LogEvent created;
        using (Spans.StartChild(sampled: true))
        {
            // Serilog stamps the event with the sampled span's trace id.
            created = new global::Serilog.Events.LogEvent(DateTimeOffset.UtcNow, global::Serilog.Events.LogEventLevel.Information, null,
                new global::Serilog.Parsing.MessageTemplateParser().Parse("made elsewhere"), [], ActivityTraceId.CreateFromString(Spans.TraceId), default);
        }

        using (Spans.Start(sampled: false))
        {
            Assert.True(filter.IsEnabled(created));
            logger.Write(created);
        }

        Assert.Single(sink.Events);
        Assert.Equal(0, filter.DroppedCount);
    }

    [Fact]
    public void An_event_with_an_all_zero_trace_id_is_decided_by_the_current_span()
    {
        // An all-zero id is no valid W3C id: the event carries no trace of its own, as for the enricher.
        var filter = new UnsampledTraceFilter();
        var sink = new CollectingSink();
        var logger = new LoggerConfiguration().Filter.With(filter).WriteTo.Sink(sink).CreateLogger();
        var zeros = ActivityTraceId.CreateFromBytes(new byte[16]);
        global::Serilog.Events.LogEvent Created(string text) => new(DateTimeOffset.UtcNow, global::Serilog.Events.LogEventLevel.Information, null,
            new global::Serilog.Parsing.MessageTemplateParser().Parse(text), [], zeros, default);

        using (Spans.Start(sampled: false))
        {
            logger.Write(Created("in an unsampled trace"));
        }

        using (Spans.Start(sampled: true))
        {
            logger.Write(Created("in a sampled trace"));
        }

        Assert.Equal(["in a sampled trace"], sink.Events.Select(e => e.MessageTemplate.Text));
        Assert.Equal(1, filter.DroppedCount);
    }
}
