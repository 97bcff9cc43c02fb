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
    public void After_shutdown_spans_and_flushes_are_ignored_spans_counted_and_the_exporter_was_shut_down_once()
    {
        using var diagnostics = new DiagnosticsCapture();
        var exporter = new ScriptedExporter();
        var processor = new SimpleSpanProcessor(exporter);
        Assert.True(processor.Shutdown(1000));
        Assert.False(processor.Shutdown(1000));

        processor.OnEnd(TraceTestKit.NewRecordedSpan());
        var flushesAtShutdown = Volatile.Read(ref exporter.FlushCount);
        Assert.True(processor.ForceFlush(1000));
        Assert.Equal(flushesAtShutdown, Volatile.Read(ref exporter.FlushCount));
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

    /// <summary>
    /// Ends a span whose export blocks, runs <paramref name="call"/> while it is blocked, checks that the call waits,
    /// then lets the export finish; returns the call's result and what the export saw of the exporter when it ran
    /// (flush, shutdown and dispose counts). Dedicated threads: a starved thread pool would delay the call and let
    /// the test pass for the wrong reason.
    /// </summary>
    private static (bool Result, (int Flushes, int Shutdowns, int Disposals) SeenByExport) CallDuringAnExport(
        ScriptedExporter exporter, SimpleSpanProcessor processor, Func<bool> call)
    {
        using var gate = new ManualResetEventSlim(false);
        var seen = (-1, -1, -1);
        exporter.Gate = gate;
        exporter.OnExport = _ =>
        {
            seen = (Volatile.Read(ref exporter.FlushCount), Volatile.Read(ref exporter.ShutdownCount), Volatile.Read(ref exporter.DisposeCount));
            return ExportResult.Success;
        };
        var ending = new Thread(() => processor.OnEnd(TraceTestKit.NewRecordedSpan("in flight")));
        ending.Start();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref exporter.Entered) == 1, 10_000));

        var result = false;
        var caller = new Thread(() => result = call());
        caller.Start();
        Assert.False(caller.Join(300), "the call returned while a span that ended before it was still being exported");
        gate.Set();

        Assert.True(caller.Join(10_000));
        Assert.True(ending.Join(10_000));
        exporter.Gate = null;
        Assert.Equal("in flight", Assert.Single(exporter.Spans).DisplayName);
        return (result, seen);
    }

    [Fact]
    public void Shutdown_waits_for_an_export_in_progress_before_shutting_the_exporter_down()
    {
        var exporter = new ScriptedExporter();
        var processor = new SimpleSpanProcessor(exporter);

        var (result, seen) = CallDuringAnExport(exporter, processor, () => processor.Shutdown(Timeout.Infinite));

        Assert.True(result);
        Assert.Equal(0, seen.Shutdowns);
        Assert.Equal(0, seen.Disposals);
        Assert.Equal(1, exporter.ShutdownCount);
    }

    [Fact]
    public void Shutdown_reports_an_export_that_failed_while_it_waited_for_it()
    {
        using var diagnostics = new DiagnosticsCapture();
        using var gate = new ManualResetEventSlim(false);
        var exporter = new ScriptedExporter { Gate = gate, OnExport = _ => ExportResult.Failure };
        var processor = new SimpleSpanProcessor(exporter);
        var ending = new Thread(() => processor.OnEnd(TraceTestKit.NewRecordedSpan("failing in flight")));
        ending.Start();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref exporter.Entered) == 1, 10_000));

        var shutdown = new Thread(() => processor.Shutdown(Timeout.Infinite));
        shutdown.Start();
        Assert.False(shutdown.Join(300), "Shutdown returned while an export was in progress");
        gate.Set();
        Assert.True(shutdown.Join(10_000));
        Assert.True(ending.Join(10_000));

        Assert.Equal(1, processor.DroppedCount);
        Assert.True(diagnostics.Has("Dropped", nameof(SimpleSpanProcessor), "export failed or span ended after shutdown"));
    }

    [Fact]
    public void ForceFlush_waits_for_an_export_in_progress_then_flushes_the_exporter()
    {
        var exporter = new ScriptedExporter();
        using var processor = new SimpleSpanProcessor(exporter);

        var (result, seen) = CallDuringAnExport(exporter, processor, () => processor.ForceFlush(Timeout.Infinite));

        Assert.True(result);
        Assert.Equal(0, seen.Flushes);
        Assert.Equal(1, Volatile.Read(ref exporter.FlushCount));
    }

    [Fact]
    public void A_span_the_exporter_itself_ends_during_an_export_is_dropped_not_exported_into_it_again()
    {
        // An exporter whose work is traced ends a span on the exporting thread in the middle of Export. Our provider
        // samples nothing there, but another SDK on the same source (the OpenTelemetry SDK, here a listener that samples
        // everything) still creates the span, and our listener sees it end, recorded. Exporting it there re-enters
        // Export, whose own call ends another span: unbounded recursion (a stack overflow kills the process). Capped
        // here at a few levels.
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        using var otherSdk = new ActivityListener
        {
            ShouldListenTo = s => s.Name == name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(otherSdk);
        var exporter = new ScriptedExporter();
        var calls = 0;
        exporter.OnExport = _ =>
        {
            if (Interlocked.Increment(ref calls) <= 5)
            {
                source.StartActivity("exporter's own call")?.Dispose();
            }

            return ExportResult.Success;
        };
        var processor = new SimpleSpanProcessor(exporter);
        using (Correlation.Trace.TracerProvider.CreateBuilder().AddSource(name).AddProcessor(processor).Build())
        {
            source.StartActivity("application")?.Dispose();
            Assert.Equal(0, Volatile.Read(ref exporter.Overlaps));
            Assert.Equal("application", Assert.Single(exporter.Spans).DisplayName);
            Assert.Equal(1, processor.DroppedCount);
        }
    }

    [Fact]
    public void A_span_of_application_code_the_exporter_resumes_during_an_export_is_exported_after_it()
    {
        // The exporter completes a task the application waits for (an "exported" signal): the continuation runs on the
        // exporting thread, inside Export, in the application's own context. Its span is the application's, not the
        // exporter's work: exported once the export in progress returns, not dropped as if the exporter had made it.
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var exported = new TaskCompletionSource();
        var exporter = new ScriptedExporter();
        exporter.OnExport = _ =>
        {
            exported.TrySetResult();
            return ExportResult.Success;
        };
        var processor = new SimpleSpanProcessor(exporter);
        using (Correlation.Trace.TracerProvider.CreateBuilder().AddSource(name).AddProcessor(processor).Build())
        {
            var resumedOn = -1;
            var resumed = exported.Task.ContinueWith(
                _ =>
                {
                    resumedOn = Environment.CurrentManagedThreadId;
                    source.StartActivity("after the export")?.Dispose();
                },
                TaskContinuationOptions.ExecuteSynchronously);

            source.StartActivity("application")?.Dispose();
            Assert.True(resumed.Wait(10_000));
            Assert.Equal(Environment.CurrentManagedThreadId, resumedOn);
            Assert.Equal(0, Volatile.Read(ref exporter.Overlaps));
            Assert.Equal(["application", "after the export"], exporter.Spans.Select(s => s.DisplayName));
            Assert.Equal(0, processor.DroppedCount);
        }
    }

    [Fact]
    public void Application_code_that_ends_a_span_each_time_an_export_resumes_it_does_not_keep_the_ending_thread()
    {
        // Each export completes the task the application awaits, whose continuation (inline, on the exporting thread)
        // ends another span and awaits the next export: the spans resumed after an export are exported after it, so
        // without a bound this one span end would never return.
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var exported = new TaskCompletionSource();
        var exporter = new ScriptedExporter();
        exporter.OnExport = _ =>
        {
            Interlocked.Exchange(ref exported, new TaskCompletionSource()).TrySetResult();
            return ExportResult.Success;
        };

        void EndASpanAfterTheNextExport() => Volatile.Read(ref exported).Task.ContinueWith(
            _ =>
            {
                EndASpanAfterTheNextExport();
                source.StartActivity("after an export")?.Dispose();
            },
            TaskContinuationOptions.ExecuteSynchronously);

        var processor = new SimpleSpanProcessor(exporter);
        using (Correlation.Trace.TracerProvider.CreateBuilder().AddSource(name).AddProcessor(processor).Build())
        {
            EndASpanAfterTheNextExport();
            var ended = Task.Run(() => source.StartActivity("application")?.Dispose());
            Assert.True(ended.Wait(30_000));
            Assert.InRange(exporter.Spans.Count, 2, 1 + 1024 + 1);
            Assert.True(processor.DroppedCount >= 1);
        }
    }

    [Theory]
    [InlineData(Timeout.Infinite)]
    [InlineData(5000)]
    public void Flush_and_shutdown_called_from_inside_the_exporter_run_once_its_export_returns_not_under_it(int timeout)
    {
        // An exporter that flushes or shuts the pipeline down from its Export (say, on a fatal error): the export in
        // progress is the caller's own, so neither may wait for it, nor flush, shut down or dispose the exporter under it.
        var exporter = new ScriptedExporter();
        var processor = new SimpleSpanProcessor(exporter);
        var results = new List<bool>();
        var seenByExport = (Flushes: -1, Shutdowns: -1, Disposals: -1);
        exporter.OnExport = _ =>
        {
            results.Add(processor.ForceFlush(timeout));
            results.Add(processor.Shutdown(timeout));
            seenByExport = (Volatile.Read(ref exporter.FlushCount), Volatile.Read(ref exporter.ShutdownCount), Volatile.Read(ref exporter.DisposeCount));
            return ExportResult.Success;
        };

        processor.OnEnd(TraceTestKit.NewRecordedSpan());

        Assert.Equal([false, false], results);
        Assert.Equal((0, 0, 0), seenByExport);
        Assert.Equal(1, Volatile.Read(ref exporter.ShutdownCount));
        Assert.Equal(1, Volatile.Read(ref exporter.DisposeCount));
        Assert.Single(exporter.Spans);
        Assert.Equal(0, processor.DroppedCount);
        processor.OnEnd(TraceTestKit.NewRecordedSpan());
        Assert.Equal(1, processor.DroppedCount);
    }

    [Fact]
    public async Task An_exporter_that_sends_over_HttpClient_is_not_traced_by_the_provider_it_exports_for()
    {
        // A user's exporter posting each span with HttpClient, the provider listening to System.Net.* (as the README
        // shows). SocketsHttpHandler opens the connection on a pool thread; its connection_setup span ended there and
        // waited for the export lock, held by the export that was waiting for that very connection: stuck until the
        // HttpClient timeout, the span lost. The exporter's own calls must not become spans of the provider.
        await using var server = await Correlation.Core.Tests.Exporters.Otlp.OtlpTestServer.StartAsync(
            static (_, context) => Correlation.Core.Tests.Exporters.Otlp.OtlpTestServer.Ok(context));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var sent = new List<string>();
        var exporter = new ScriptedExporter
        {
            OnExport = batch =>
            {
                using var response = client.Send(new HttpRequestMessage(HttpMethod.Post, server.TracesUri) { Content = new StringContent(batch[0].DisplayName) });
                sent.Add(batch[0].DisplayName);
                return response.IsSuccessStatusCode ? ExportResult.Success : ExportResult.Failure;
            },
        };
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var processor = new SimpleSpanProcessor(exporter);
        using (Correlation.Trace.TracerProvider.CreateBuilder()
            .AddSource(name, "System.Net.*", "Experimental.System.Net.*")
            .SetSampler(new Correlation.Trace.Sampling.AlwaysOnSampler())
            .AddProcessor(processor)
            .Build())
        {
            source.StartActivity("application")?.Dispose();
        }

        Assert.Equal(["application"], sent);
        Assert.Equal(0, processor.DroppedCount);
        Assert.Single(server.Requests);
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
