using System.Diagnostics;
using Correlation.Serilog.Tests.Support;
using Serilog;

namespace Correlation.Serilog.Tests.Enrichers;

public class AsyncSinkTests
{
    [Fact]
    public async Task An_async_sink_writes_the_ids_of_the_span_that_created_each_event_not_the_writer_threads()
    {
        var sink = new CollectingSink();
        var logger = new LoggerConfiguration()
            .Enrich.WithTraceContext()
            .WriteTo.Async(a => a.Sink(sink), bufferSize: 1000)
            .CreateLogger();

        var expected = new Dictionary<string, (string Ids, int Thread)>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 25; i++)
            {
                using var span = Spans.Start($"w{worker}-{i}");
                logger.Information("Work {Worker} {Item}", worker, i);
                lock (expected)
                {
                    expected[$"{worker}/{i}"] = (span.SpanId.ToHexString() + "/" + span.TraceId.ToHexString(), Environment.CurrentManagedThreadId);
                }
            }
        })));
        await ((IAsyncDisposable)logger).DisposeAsync();

        var received = sink.Received;
        Assert.Equal(100, received.Count);
        foreach (var r in received)
        {
            var key = $"{r.Event.Properties["Worker"]}/{r.Event.Properties["Item"]}";
            Assert.Equal(expected[key].Ids, r.Event.Text("span_id") + "/" + r.Event.Text("trace_id"));

            // The sink ran on the async worker thread, not the creating one, and the creating span was not current there.
            Assert.NotEqual(expected[key].Thread, r.WriterThread);
            Assert.Null(r.WriterSpan);
        }
    }

    [Fact]
    public void An_event_created_in_a_span_keeps_its_ids_after_the_span_ended()
    {
        var sink = new CollectingSink();
        var release = new ManualResetEventSlim();
        var logger = new LoggerConfiguration()
            .Enrich.WithTraceContext()
            .WriteTo.Async(a => a.Sink(new GateSink(release, sink)))
            .CreateLogger();

        string spanId;
        using (var span = Spans.StartChild())
        {
            spanId = span.SpanId.ToHexString();
            logger.Information("inside");
        }

        Assert.Null(Activity.Current);
        release.Set();
        ((IDisposable)logger).Dispose();

        Assert.Equal(spanId, sink.Single.Text("span_id"));
        Assert.Equal(Spans.TraceId, sink.Single.Text("trace_id"));
    }

    [Fact]
    public void A_sub_logger_enriching_behind_an_async_sink_writes_the_ids_of_the_span_that_created_the_event()
    {
        var sink = new CollectingSink();
        var release = new ManualResetEventSlim();
        var logger = new LoggerConfiguration()
            .WriteTo.Async(a => a.Sink(new GateSink(release, new EnrichingSink(sink))))
            .CreateLogger();

        string spanId;
        using (var span = Spans.StartChild())
        {
            spanId = span.SpanId.ToHexString();
            logger.Information("inside");
        }

        // Enrichment happens on the async worker, after the span ended, where a different span is current.
        release.Set();
        ((IDisposable)logger).Dispose();

        Assert.Equal(spanId, sink.Single.Text("span_id"));
        Assert.Equal(Spans.TraceId, sink.Single.Text("trace_id"));
        Assert.NotEqual(spanId, sink.Received[0].WriterSpan?.SpanId.ToHexString());
    }

    [Fact]
    public void A_sub_logger_with_the_Datadog_profile_behind_an_async_sink_writes_the_creating_spans_decimal_ids()
    {
        var sink = new CollectingSink();
        var release = new ManualResetEventSlim();
        var logger = new LoggerConfiguration()
            .WriteTo.Async(a => a.Sink(new GateSink(release, new EnrichingSink(sink, o => o.Profile = Correlation.Context.TraceFieldProfile.Datadog))))
            .CreateLogger();

        ulong spanId;
        using (var span = Spans.StartChild())
        {
            spanId = Convert.ToUInt64(span.SpanId.ToHexString(), 16);
            logger.Information("inside");
        }

        release.Set();
        ((IDisposable)logger).Dispose();

        Assert.Equal("11803532876627986230", sink.Single.Text("dd.trace_id"));
        Assert.Equal(spanId.ToString(System.Globalization.CultureInfo.InvariantCulture), sink.Single.Text("dd.span_id"));
    }

    /// <summary>A sub-logger with our enricher, run inside the async sink's worker with a span of its own current.</summary>
    private sealed class EnrichingSink(CollectingSink inner, Action<Correlation.Context.TraceContextOptions>? configure = null) : global::Serilog.Core.ILogEventSink
    {
        private readonly global::Serilog.Core.Logger _subLogger = new LoggerConfiguration()
            .Enrich.WithTraceContext(configure ?? (static _ => { }))
            .WriteTo.Sink(inner)
            .CreateLogger();

        public void Emit(global::Serilog.Events.LogEvent logEvent)
        {
            using var writerSpan = Spans.Start("writer");
            _subLogger.Write(logEvent);
        }
    }

    private sealed class GateSink(ManualResetEventSlim gate, global::Serilog.Core.ILogEventSink inner) : global::Serilog.Core.ILogEventSink
    {
        public void Emit(global::Serilog.Events.LogEvent logEvent)
        {
            gate.Wait(TimeSpan.FromSeconds(10));
            inner.Emit(logEvent);
        }
    }
}
