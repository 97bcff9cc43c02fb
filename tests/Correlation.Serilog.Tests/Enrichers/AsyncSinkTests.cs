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

        var expected = new Dictionary<string, string>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 25; i++)
            {
                using var span = Spans.Start($"w{worker}-{i}");
                logger.Information("Work {Worker} {Item}", worker, i);
                lock (expected)
                {
                    expected[$"{worker}/{i}"] = span.SpanId.ToHexString() + "/" + span.TraceId.ToHexString();
                }
            }
        })));
        await ((IAsyncDisposable)logger).DisposeAsync();

        var received = sink.Received;
        Assert.Equal(100, received.Count);
        foreach (var r in received)
        {
            var key = $"{r.Event.Properties["Worker"]}/{r.Event.Properties["Item"]}";
            Assert.Equal(expected[key], r.Event.Text("span_id") + "/" + r.Event.Text("trace_id"));

            // The sink ran on the async worker thread, where the creating span is not current.
            Assert.NotEqual(r.Event.Text("span_id"), r.WriterSpan?.SpanId.ToHexString());
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

    private sealed class GateSink(ManualResetEventSlim gate, CollectingSink inner) : global::Serilog.Core.ILogEventSink
    {
        public void Emit(global::Serilog.Events.LogEvent logEvent)
        {
            gate.Wait(TimeSpan.FromSeconds(10));
            inner.Emit(logEvent);
        }
    }
}
