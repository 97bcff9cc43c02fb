using System.Diagnostics;
using Correlation.Trace.Exporting;
using Correlation.Trace.Processing;

namespace Correlation.Core.Tests.Trace.Processing;

public class BatchSpanProcessorTests
{
    private static BatchSpanProcessorOptions Options(int queue = 2048, int batch = 512, int delay = 60_000) => new()
    {
        MaxQueueSize = queue,
        MaxExportBatchSize = batch,
        ScheduledDelayMilliseconds = delay,
        ExporterTimeoutMilliseconds = 30_000,
    };

    [Fact]
    public void Spans_are_exported_when_the_scheduled_delay_elapses()
    {
        var exporter = new ScriptedExporter();
        using var processor = new BatchSpanProcessor(exporter, Options(delay: 50));
        processor.OnEnd(TraceTestKit.NewRecordedSpan());
        processor.OnEnd(TraceTestKit.NewRecordedSpan());
        Assert.True(TraceTestKit.WaitUntil(() => exporter.Spans.Count == 2));
        Assert.Equal(0, exporter.FlushCount);
    }

    [Fact]
    public void A_full_batch_is_exported_without_waiting_for_the_timer()
    {
        var exporter = new ScriptedExporter();
        using var processor = new BatchSpanProcessor(exporter, Options(batch: 10, delay: 600_000));
        for (var i = 0; i < 25; i++)
        {
            processor.OnEnd(TraceTestKit.NewRecordedSpan());
        }

        Assert.True(TraceTestKit.WaitUntil(() => exporter.Spans.Count == 20));
        Assert.Equal([10, 10], exporter.BatchSizes);
        Assert.True(processor.ForceFlush(10_000));
        Assert.Equal([10, 10, 5], exporter.BatchSizes);
    }

    [Fact]
    public void A_full_batch_after_a_partial_flush_is_exported_without_waiting_for_the_timer()
    {
        var exporter = new ScriptedExporter();
        using var processor = new BatchSpanProcessor(exporter, Options(batch: 10, delay: 600_000));
        for (var i = 0; i < 3; i++)
        {
            processor.OnEnd(TraceTestKit.NewRecordedSpan());
        }

        Assert.True(processor.ForceFlush(10_000));

        // 10 added (7 waiting), then 13 added: a full batch waits although 13 is no multiple of the batch size.
        for (var i = 0; i < 7; i++)
        {
            processor.OnEnd(TraceTestKit.NewRecordedSpan());
        }

        Thread.Sleep(100);
        for (var i = 0; i < 3; i++)
        {
            processor.OnEnd(TraceTestKit.NewRecordedSpan());
        }

        Assert.True(TraceTestKit.WaitUntil(() => exporter.Spans.Count == 13));
        Assert.Equal([3, 10], exporter.BatchSizes);
    }

    [Fact]
    public void Wake_up_signals_do_not_pile_up_when_every_export_ends_a_span()
    {
        // An exporter whose own call is traced (an instrumented HTTP client): each export ends a span, which signals
        // the worker while it is busy. The worker answers those signals when it next looks at the queue, so they must
        // not accumulate.
        BatchSpanProcessor? processor = null;
        var exports = 0;
        var mostPending = 0;
        var exporter = new ScriptedExporter
        {
            OnExport = _ =>
            {
                mostPending = Math.Max(mostPending, processor!.PendingWakeSignals);
                if (++exports < 50)
                {
                    processor.OnEnd(TraceTestKit.NewRecordedSpan("export"));
                }

                return ExportResult.Success;
            },
        };
        using (processor = new BatchSpanProcessor(exporter, Options(batch: 1, delay: 600_000)))
        {
            processor.OnEnd(TraceTestKit.NewRecordedSpan());
            Assert.True(TraceTestKit.WaitUntil(() => processor.ExportedCount == 50));
        }

        Assert.InRange(mostPending, 0, 1);
    }

    [Fact]
    public void ForceFlush_exports_everything_queued_before_it_and_flushes_the_exporter()
    {
        var exporter = new ScriptedExporter();
        using var processor = new BatchSpanProcessor(exporter, Options(batch: 4, delay: 600_000));
        var spans = Enumerable.Range(0, 10).Select(_ => TraceTestKit.NewRecordedSpan()).ToArray();
        foreach (var span in spans)
        {
            processor.OnEnd(span);
        }

        Assert.True(processor.ForceFlush(10_000));
        Assert.Equal(spans, exporter.Spans.ToArray());
        Assert.Equal(1, exporter.FlushCount);
        Assert.All(exporter.BatchSizes, size => Assert.InRange(size, 1, 4));
        Assert.Equal(10, processor.ExportedCount);
    }

    [Fact]
    public void Unsampled_spans_are_not_exported()
    {
        var exporter = new ScriptedExporter();
        using var processor = new BatchSpanProcessor(exporter, Options());
        var recordOnly = new Activity("record-only");
        recordOnly.Start();
        recordOnly.Stop();
        Assert.False(recordOnly.Recorded);
        processor.OnEnd(recordOnly);
        processor.OnEnd(TraceTestKit.NewRecordedSpan("sampled"));
        Assert.True(processor.ForceFlush(10_000));
        Assert.Equal("sampled", Assert.Single(exporter.Spans).DisplayName);
    }

    [Fact]
    public void A_full_queue_drops_and_counts_without_blocking_the_producer()
    {
        using var gate = new ManualResetEventSlim(false);
        var exporter = new ScriptedExporter { Gate = gate };
        using var processor = new BatchSpanProcessor(exporter, Options(queue: 8, batch: 4, delay: 600_000));

        // The first full batch goes to the exporter, which hangs on the gate; the queue then fills up.
        for (var i = 0; i < 4; i++)
        {
            processor.OnEnd(TraceTestKit.NewRecordedSpan());
        }

        Assert.True(TraceTestKit.WaitUntil(() => Volatile.Read(ref exporter.Entered) == 1));
        var produced = 4;
        var producer = Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                processor.OnEnd(TraceTestKit.NewRecordedSpan());
                Interlocked.Increment(ref produced);
            }
        });
        Assert.True(producer.Wait(20_000), "the producer blocked");
        Assert.Equal(1000 - 8, processor.DroppedCount);

        gate.Set();
        Assert.True(processor.Shutdown(10_000));
        Assert.Equal(12, processor.ExportedCount);
        Assert.Equal(produced, processor.DroppedCount + processor.ExportedCount);
    }

    [Fact]
    public void Shutdown_exports_all_queued_before_it_then_shuts_the_exporter_down_once()
    {
        var exporter = new ScriptedExporter();
        var processor = new BatchSpanProcessor(exporter, Options(batch: 3, delay: 600_000));
        for (var i = 0; i < 10; i++)
        {
            processor.OnEnd(TraceTestKit.NewRecordedSpan());
        }

        Assert.True(processor.Shutdown(10_000));
        Assert.Equal(10, exporter.Spans.Count);
        Assert.Equal(1, exporter.ShutdownCount);

        Assert.False(processor.Shutdown(10_000));
        processor.Dispose();
        Assert.Equal(1, exporter.ShutdownCount);
    }

    [Fact]
    public void Spans_ending_after_shutdown_are_ignored_counted_and_reported()
    {
        using var capture = new DiagnosticsCapture();
        var exporter = new ScriptedExporter();
        var processor = new BatchSpanProcessor(exporter, Options(queue: 3, batch: 3, delay: 600_000));
        Assert.True(processor.Shutdown(10_000));
        processor.OnEnd(TraceTestKit.NewRecordedSpan());
        processor.OnEnd(TraceTestKit.NewRecordedSpan());
        Assert.Empty(exporter.Spans);
        Assert.Equal(2, processor.DroppedCount);
        Assert.True(processor.ForceFlush(1000));
    }

    [Fact]
    public void The_dropped_count_is_reported_at_shutdown()
    {
        using var capture = new DiagnosticsCapture();
        using var gate = new ManualResetEventSlim(false);
        var exporter = new ScriptedExporter { Gate = gate };
        var processor = new BatchSpanProcessor(exporter, Options(queue: 2, batch: 1, delay: 600_000));
        for (var i = 0; i < 50; i++)
        {
            processor.OnEnd(TraceTestKit.NewRecordedSpan());
        }

        var dropped = processor.DroppedCount;
        Assert.True(dropped >= 47);
        gate.Set();
        Assert.True(processor.Shutdown(10_000));
        Assert.True(capture.Has("Dropped", "BatchSpanProcessor", dropped.ToString(System.Globalization.CultureInfo.InvariantCulture), "queue was full"));
    }

    [Fact]
    public void Exports_never_overlap_even_with_concurrent_flushes_and_producers()
    {
        var exporter = new ScriptedExporter { OnExport = _ => { Thread.SpinWait(2000); return ExportResult.Success; } };
        using var processor = new BatchSpanProcessor(exporter, Options(queue: 100_000, batch: 7, delay: 1));
        var tasks = new List<Task>();
        for (var t = 0; t < 3; t++)
        {
            tasks.Add(Task.Run(() =>
            {
                for (var i = 0; i < 2000; i++)
                {
                    processor.OnEnd(TraceTestKit.NewRecordedSpan());
                    if (i % 300 == 0)
                    {
                        processor.ForceFlush(10_000);
                    }
                }
            }));
        }

        Assert.True(Task.WaitAll([.. tasks], 30_000));
        Assert.True(processor.ForceFlush(10_000));
        Assert.Equal(0, exporter.Overlaps);
        Assert.Equal(6000, exporter.Spans.Count);
    }

    [Fact]
    public void An_exporter_that_throws_breaks_nothing_and_later_batches_still_go_out()
    {
        using var capture = new DiagnosticsCapture();
        var calls = 0;
        var exporter = new ScriptedExporter
        {
            OnExport = _ => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("exporter bug") : ExportResult.Success,
        };
        using var processor = new BatchSpanProcessor(exporter, Options(batch: 2, delay: 600_000));
        processor.OnEnd(TraceTestKit.NewRecordedSpan());
        processor.OnEnd(TraceTestKit.NewRecordedSpan());
        Assert.True(TraceTestKit.WaitUntil(() => processor.FailedCount == 2));
        processor.OnEnd(TraceTestKit.NewRecordedSpan());
        Assert.True(processor.ForceFlush(10_000));
        Assert.Equal(1, processor.ExportedCount);
        Assert.True(capture.Has("ErrorSwallowed", "ScriptedExporter.Export", "exporter bug"));
    }

    [Fact]
    public void An_exporter_that_hangs_does_not_block_the_app_flush_or_shutdown_beyond_their_timeouts()
    {
        using var gate = new ManualResetEventSlim(false);
        var exporter = new ScriptedExporter { Gate = gate };
        var processor = new BatchSpanProcessor(exporter, Options(queue: 16, batch: 1, delay: 600_000));
        processor.OnEnd(TraceTestKit.NewRecordedSpan());

        var ending = Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                processor.OnEnd(TraceTestKit.NewRecordedSpan());
            }
        });
        Assert.True(ending.Wait(20_000), "ending spans blocked behind a hung exporter");
        Assert.False(processor.ForceFlush(100));
        Assert.False(processor.Shutdown(100));
        Assert.True(processor.DroppedCount > 0);
        gate.Set();
    }

    [Fact]
    public void Infinite_flush_and_shutdown_give_up_on_an_exporter_stuck_past_the_export_timeout_and_count_its_spans_as_dropped()
    {
        using var gate = new ManualResetEventSlim(false);
        var exporter = new ScriptedExporter { Gate = gate };
        var options = Options(batch: 2, delay: 600_000);
        options.ExporterTimeoutMilliseconds = 200;
        var processor = new BatchSpanProcessor(exporter, options);
        for (var i = 0; i < 5; i++)
        {
            processor.OnEnd(TraceTestKit.NewRecordedSpan());
        }

        Assert.True(TraceTestKit.WaitUntil(() => Volatile.Read(ref exporter.Entered) == 1));
        var flush = Task.Run(() => processor.ForceFlush(Timeout.Infinite));
        Assert.True(flush.Wait(20_000), "ForceFlush(Infinite) hung on a stuck exporter");
        Assert.False(flush.Result);
        var shutdown = Task.Run(() => processor.Shutdown(Timeout.Infinite));
        Assert.True(shutdown.Wait(20_000), "Shutdown(Infinite) hung on a stuck exporter");
        Assert.False(shutdown.Result);
        Assert.Equal(5, processor.DroppedCount);

        // The stuck call returns later: its spans stay counted once (dropped), and nothing more is exported.
        gate.Set();
        Assert.True(TraceTestKit.WaitUntil(() => Volatile.Read(ref exporter.ShutdownCount) == 1));
        Assert.Equal(0, processor.ExportedCount);
        Assert.Equal(0, processor.FailedCount);
        Assert.Equal(5, processor.DroppedCount);
        Assert.Equal(1, Volatile.Read(ref exporter.Entered));
    }

    [Fact]
    public void A_flush_waiting_when_a_shutdown_gives_up_on_its_spans_reports_failure_not_success()
    {
        using var gate = new ManualResetEventSlim(false);
        var exporter = new ScriptedExporter { Gate = gate };
        var processor = new BatchSpanProcessor(exporter, Options(batch: 1, delay: 600_000));
        for (var i = 0; i < 3; i++)
        {
            processor.OnEnd(TraceTestKit.NewRecordedSpan());
        }

        Assert.True(TraceTestKit.WaitUntil(() => Volatile.Read(ref exporter.Entered) == 1));
        var flushed = true;
        var flush = new Thread(() => flushed = processor.ForceFlush(Timeout.Infinite));
        flush.Start();
        Assert.False(flush.Join(200));

        // The shutdown gives up: all three spans are dropped, so the flush waiting for them did not succeed.
        Assert.False(processor.Shutdown(100));
        Assert.Equal(3, processor.DroppedCount);
        gate.Set();
        Assert.True(flush.Join(20_000), "ForceFlush hung");
        Assert.False(flushed);
        Assert.Equal(0, processor.ExportedCount);
    }

    [Fact]
    public void The_provider_default_flush_and_shutdown_return_when_a_batch_exporter_hangs()
    {
        using var gate = new ManualResetEventSlim(false);
        var exporter = new ScriptedExporter { Gate = gate };
        var options = Options(batch: 1, delay: 600_000);
        options.ExporterTimeoutMilliseconds = 200;
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var provider = Correlation.Trace.TracerProvider.CreateBuilder()
            .AddSource(name)
            .AddProcessor(new BatchSpanProcessor(exporter, options))
            .Build();
        source.StartActivity("stuck")?.Dispose();
        Assert.True(TraceTestKit.WaitUntil(() => Volatile.Read(ref exporter.Entered) == 1));

        var flush = Task.Run(() => provider.ForceFlush());
        Assert.True(flush.Wait(20_000), "TracerProvider.ForceFlush() hung");
        Assert.False(flush.Result);
        var shutdown = Task.Run(() => provider.Shutdown());
        Assert.True(shutdown.Wait(20_000), "TracerProvider.Shutdown() hung");
        Assert.False(shutdown.Result);
        gate.Set();
        provider.Dispose();
    }

    [Fact]
    public void ForceFlush_and_Shutdown_called_from_inside_the_exporter_do_not_wait_for_it_and_lose_nothing()
    {
        // An exporter (or a span its export ends, through a processor callback) that flushes or shuts the pipeline down
        // runs on the worker: waiting for the worker there waits for itself, until the export timeout, and a shutdown
        // that gives up then drops every span, those of the export in progress included.
        BatchSpanProcessor? processor = null;
        bool? flushed = null;
        bool? shutDown = null;
        var exporter = new ScriptedExporter();
        exporter.OnExport = _ =>
        {
            if (shutDown is null)
            {
                flushed = processor!.ForceFlush(3000);
                shutDown = processor.Shutdown(3000);
            }

            return ExportResult.Success;
        };
        processor = new BatchSpanProcessor(exporter, Options(batch: 2, delay: 600_000));
        for (var i = 0; i < 6; i++)
        {
            processor.OnEnd(TraceTestKit.NewRecordedSpan());
        }

        Assert.True(TraceTestKit.WaitUntil(() => Volatile.Read(ref exporter.ShutdownCount) == 1));
        Assert.False(flushed);
        Assert.False(shutDown);
        Assert.Equal(6, processor.ExportedCount);
        Assert.Equal(0, processor.DroppedCount);
        Assert.Equal(1, Volatile.Read(ref exporter.FlushCount));
        processor.Dispose();
    }

    [Fact]
    public void The_exporters_own_traced_work_does_not_become_spans_that_the_next_export_sends()
    {
        // A user's exporter whose call is traced (an HttpClient with System.Net.Http among the sources): each export
        // made a span that the next export sent, whose call made another, so an idle application never stopped
        // exporting. The OTLP exporter suppresses its own tracing; a user's exporter has no public way to.
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var exporter = new ScriptedExporter();
        exporter.OnExport = _ =>
        {
            source.StartActivity("exporter's own call")?.Dispose();
            return ExportResult.Success;
        };
        using var provider = Correlation.Trace.TracerProvider.CreateBuilder()
            .AddSource(name)
            .AddProcessor(new BatchSpanProcessor(exporter, Options(delay: 600_000)))
            .Build();

        source.StartActivity("application")?.Dispose();
        Assert.True(provider.ForceFlush(10_000));
        Assert.True(provider.ForceFlush(10_000));
        Assert.True(provider.ForceFlush(10_000));

        Assert.Equal(["application"], exporter.Spans.Select(s => s.DisplayName));
    }

    [Fact]
    public void Application_code_the_exporter_resumes_on_its_thread_is_traced_as_the_application()
    {
        // The exporter completes a task the application waits for (the usual "exported" signal of a test or a
        // health check): its continuation runs on the exporting thread, inside Export, but in the application's own
        // ExecutionContext. Its spans are the application's, not the exporter's work: they must not be suppressed.
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var exported = new TaskCompletionSource();
        var exporter = new ScriptedExporter();
        exporter.OnExport = _ =>
        {
            exported.TrySetResult();
            return ExportResult.Success;
        };
        using var provider = Correlation.Trace.TracerProvider.CreateBuilder()
            .AddSource(name)
            .AddProcessor(new BatchSpanProcessor(exporter, Options(delay: 600_000)))
            .Build();

        var exportingThread = -1;
        var resumed = exported.Task.ContinueWith(
            _ =>
            {
                exportingThread = Environment.CurrentManagedThreadId;
                using var span = source.StartActivity("after the export");
                return span is { Recorded: true };
            },
            TaskContinuationOptions.ExecuteSynchronously);

        source.StartActivity("application")?.Dispose();
        Assert.True(provider.ForceFlush(10_000));
        Assert.True(resumed.Wait(10_000));
        Assert.NotEqual(Environment.CurrentManagedThreadId, exportingThread);
        Assert.True(resumed.Result);
        Assert.True(provider.ForceFlush(10_000));
        Assert.Equal(["application", "after the export"], exporter.Spans.Select(s => s.DisplayName));
    }

    [Fact]
    public void Shutdown_disposes_the_exporter_once_the_worker_has_exited()
    {
        var exporter = new ScriptedExporter();
        var processor = new BatchSpanProcessor(exporter, Options());
        processor.OnEnd(TraceTestKit.NewRecordedSpan());
        Assert.True(processor.Shutdown(10_000));
        Assert.Equal(1, Volatile.Read(ref exporter.DisposeCount));
        processor.Dispose();
        Assert.Equal(1, Volatile.Read(ref exporter.DisposeCount));
    }

    [Fact]
    public void A_failed_export_is_counted_not_retried()
    {
        var exporter = new ScriptedExporter { OnExport = _ => ExportResult.Failure };
        using var processor = new BatchSpanProcessor(exporter, Options());
        processor.OnEnd(TraceTestKit.NewRecordedSpan());
        Assert.True(processor.ForceFlush(10_000));
        Assert.Equal(1, processor.FailedCount);
        Assert.Equal(0, processor.ExportedCount);
        Assert.Single(exporter.BatchSizes);
    }

    [Fact]
    public void The_export_batch_is_capped_at_the_queue_size()
    {
        var exporter = new ScriptedExporter();
        using var processor = new BatchSpanProcessor(exporter, Options(queue: 4, batch: 100, delay: 600_000));
        for (var i = 0; i < 4; i++)
        {
            processor.OnEnd(TraceTestKit.NewRecordedSpan());
        }

        Assert.True(TraceTestKit.WaitUntil(() => exporter.Spans.Count == 4));
        Assert.Equal([4], exporter.BatchSizes);
    }

    [Theory]
    [InlineData(0, 1, 1, 0)]
    [InlineData(1, 0, 1, 0)]
    [InlineData(1, 1, 0, 0)]
    [InlineData(1, 1, 1, -1)]
    public void Invalid_options_are_configuration_errors(int queue, int batch, int delay, int timeout)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new BatchSpanProcessor(new ScriptedExporter(), new BatchSpanProcessorOptions
        {
            MaxQueueSize = queue,
            MaxExportBatchSize = batch,
            ScheduledDelayMilliseconds = delay,
            ExporterTimeoutMilliseconds = timeout,
        }));
}
