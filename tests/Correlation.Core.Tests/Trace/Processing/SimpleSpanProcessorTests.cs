using System.Diagnostics;
using Correlation.Trace.Exporting;
using Correlation.Trace.Processing;

namespace Correlation.Core.Tests.Trace.Processing;

public class SimpleSpanProcessorTests
{
    [Fact]
    public void Each_sampled_span_is_exported_as_it_ends_and_unsampled_ones_are_not()
    {
        var spans = new List<Activity>();
        using var processor = new SimpleSpanProcessor(new InMemorySpanExporter(spans));
        var sampled = TraceTestKit.NewRecordedSpan("sampled");
        var recordOnly = new Activity("record-only");
        recordOnly.Start();
        recordOnly.Stop();

        processor.OnEnd(sampled);
        processor.OnEnd(recordOnly);

        Assert.Same(sampled, Assert.Single(spans));
    }

    [Fact]
    public void A_throwing_or_failing_exporter_is_counted_and_reported_never_thrown()
    {
        using var diagnostics = new DiagnosticsCapture();
        var calls = 0;
        var exporter = new ScriptedExporter
        {
            OnExport = _ => ++calls == 1 ? throw new InvalidOperationException("disk full") : ExportResult.Failure,
        };
        using var processor = new SimpleSpanProcessor(exporter);

        processor.OnEnd(TraceTestKit.NewRecordedSpan());
        processor.OnEnd(TraceTestKit.NewRecordedSpan());

        Assert.Equal(2, processor.DroppedCount);
        Assert.True(diagnostics.Has("ErrorSwallowed", "disk full"));
    }

    [Fact]
    public void After_shutdown_spans_are_ignored_counted_and_the_exporter_was_shut_down_once()
    {
        using var diagnostics = new DiagnosticsCapture();
        var exporter = new ScriptedExporter();
        var processor = new SimpleSpanProcessor(exporter);
        Assert.True(processor.Shutdown(1000));
        Assert.False(processor.Shutdown(1000));

        processor.OnEnd(TraceTestKit.NewRecordedSpan());
        processor.Dispose();

        Assert.Empty(exporter.Spans);
        Assert.Equal(1, processor.DroppedCount);
        Assert.Equal(1, exporter.ShutdownCount);
    }

    [Fact]
    public void A_hung_exporter_flush_does_not_hold_a_finite_ForceFlush()
    {
        using var gate = new ManualResetEventSlim(false);
        var exporter = new ScriptedExporter { FlushGate = gate };
        var processor = new SimpleSpanProcessor(exporter);
        var flush = Task.Run(() => processor.ForceFlush(200));
        Assert.True(flush.Wait(20_000), "ForceFlush(200) hung on a stuck exporter");
        Assert.False(flush.Result);
        gate.Set();
        Assert.True(processor.Shutdown(5000));
    }

    [Fact]
    public void Shutdown_waits_for_an_export_in_progress_before_shutting_the_exporter_down()
    {
        using var gate = new ManualResetEventSlim(false);
        var shutdownsSeenByExport = -1;
        var disposalsSeenByExport = -1;
        var exporter = new ScriptedExporter { Gate = gate };
        exporter.OnExport = _ =>
        {
            shutdownsSeenByExport = Volatile.Read(ref exporter.ShutdownCount);
            disposalsSeenByExport = Volatile.Read(ref exporter.DisposeCount);
            return ExportResult.Success;
        };
        var processor = new SimpleSpanProcessor(exporter);

        // Dedicated threads: a starved thread pool would delay the shutdown and let the test pass for the wrong reason.
        var ending = new Thread(() => processor.OnEnd(TraceTestKit.NewRecordedSpan("in flight")));
        ending.Start();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref exporter.Entered) == 1, 10_000));

        var shutdownResult = false;
        var shutdown = new Thread(() => shutdownResult = processor.Shutdown(Timeout.Infinite));
        shutdown.Start();
        Assert.False(shutdown.Join(300), "Shutdown returned while an export was still running");
        gate.Set();

        Assert.True(shutdown.Join(10_000));
        Assert.True(shutdownResult);
        Assert.True(ending.Join(10_000));
        Assert.Equal(0, shutdownsSeenByExport);
        Assert.Equal(0, disposalsSeenByExport);
        Assert.Equal(1, exporter.ShutdownCount);
        Assert.Equal("in flight", Assert.Single(exporter.Spans).DisplayName);
    }

    [Fact]
    public void ForceFlush_waits_for_an_export_in_progress_then_flushes_the_exporter()
    {
        using var gate = new ManualResetEventSlim(false);
        var flushesSeenByExport = -1;
        var exporter = new ScriptedExporter { Gate = gate };
        exporter.OnExport = _ =>
        {
            flushesSeenByExport = Volatile.Read(ref exporter.FlushCount);
            return ExportResult.Success;
        };
        using var processor = new SimpleSpanProcessor(exporter);

        // Dedicated threads: a starved thread pool would delay the flush and let the test pass for the wrong reason.
        var ending = new Thread(() => processor.OnEnd(TraceTestKit.NewRecordedSpan("ended before the flush")));
        ending.Start();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref exporter.Entered) == 1, 10_000));

        var flushed = false;
        var flush = new Thread(() => flushed = processor.ForceFlush(Timeout.Infinite));
        flush.Start();
        Assert.False(flush.Join(300), "ForceFlush returned while a span that ended before it was still being exported");
        gate.Set();

        Assert.True(flush.Join(10_000));
        Assert.True(flushed);
        Assert.True(ending.Join(10_000));
        Assert.Equal(0, flushesSeenByExport);
        Assert.Equal(1, Volatile.Read(ref exporter.FlushCount));
        Assert.Single(exporter.Spans);
    }

    [Fact]
    public void Shutdown_disposes_the_exporter()
    {
        var exporter = new ScriptedExporter();
        var processor = new SimpleSpanProcessor(exporter);
        Assert.True(processor.Shutdown(5000));
        Assert.Equal(1, Volatile.Read(ref exporter.DisposeCount));
        processor.Dispose();
        Assert.Equal(1, Volatile.Read(ref exporter.DisposeCount));
    }

    [Fact]
    public void Exports_from_concurrent_threads_never_overlap()
    {
        var exporter = new ScriptedExporter();
        using var processor = new SimpleSpanProcessor(exporter);
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 500; i++)
            {
                processor.OnEnd(TraceTestKit.NewRecordedSpan());
            }
        });

        Assert.Equal(2000, exporter.Spans.Count);
        Assert.Equal(0, exporter.Overlaps);
    }
}
