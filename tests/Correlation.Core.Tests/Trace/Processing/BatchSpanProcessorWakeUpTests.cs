using System.Diagnostics;
using Correlation.Trace.Exporting;
using Correlation.Trace.Processing;

namespace Correlation.Core.Tests.Trace.Processing;

/// <summary>
/// A full batch wakes the worker whatever the interleaving of producers and the worker finishing an export: the timer
/// is set far away, so only a wake-up can export, and every full batch must be exported within seconds.
/// </summary>
public class BatchSpanProcessorWakeUpTests
{
    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 3)]
    [InlineData(3, 4)]
    [InlineData(7, 2)]
    [InlineData(16, 4)]
    public void Every_full_batch_is_exported_without_the_timer_whatever_the_producers_do(int batch, int threads)
    {
        var exporter = new CheckingExporter(maxSpin: 2000);
        using var processor = Create(exporter, batch);
        var random = new Random(batch * 31 + threads);
        var spans = NewSpans(4000);
        long ended = 0;
        for (var round = 0; round < 400; round++)
        {
            var counts = Enumerable.Range(0, threads).Select(_ => random.Next(0, (3 * batch) + 2)).ToArray();
            var pace = random.Next(3);
            using var start = new Barrier(threads);
            var producers = new Thread[threads];
            for (var t = 0; t < threads; t++)
            {
                var count = counts[t];
                var offset = ((round * 97) + (t * 13)) % (spans.Length - 100);
                producers[t] = new Thread(() =>
                {
                    start.SignalAndWait();
                    for (var i = 0; i < count; i++)
                    {
                        processor.OnEnd(spans[offset + i]);
                        if (pace == 1)
                        {
                            Thread.Yield();
                        }
                        else if (pace == 2)
                        {
                            Thread.SpinWait(50);
                        }
                    }
                });
                producers[t].Start();
            }

            foreach (var producer in producers)
            {
                producer.Join();
            }

            ended += counts.Sum();
            var fullBatches = ended / batch * batch;
            Assert.True(
                TraceTestKit.WaitUntil(() => exporter.Exported >= fullBatches, 3000),
                $"Round {round}: {fullBatches} spans in full batches, {exporter.Exported} exported: a wake-up was lost.");
            Assert.Equal(fullBatches, exporter.Exported);
            Assert.InRange(processor.PendingWakeSignals, 0, 1);
        }

        Assert.Equal(0, exporter.Overlaps);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void A_second_batch_landing_while_the_worker_finishes_the_first_is_exported(int batch)
    {
        const int Rounds = 3000;
        var exporter = new CheckingExporter(maxSpin: 3000);
        using var processor = Create(exporter, batch);
        var spans = NewSpans(2 * batch);
        var random = new Random(batch);
        var delays = Enumerable.Range(0, Rounds).Select(_ => random.Next(0, 12000)).ToArray();
        using var go = new Barrier(3);
        using var done = new Barrier(3);
        var first = new Thread(() => EndBatches(processor, spans.AsSpan(0, batch).ToArray(), go, done, Rounds, delays: null));
        var second = new Thread(() => EndBatches(processor, spans.AsSpan(batch, batch).ToArray(), go, done, Rounds, delays));
        first.Start();
        second.Start();
        long ended = 0;
        for (var round = 0; round < Rounds; round++)
        {
            go.SignalAndWait();
            done.SignalAndWait();
            ended += 2 * batch;
            var stopwatch = Stopwatch.StartNew();
            var spin = default(SpinWait);
            while (exporter.Exported < ended)
            {
                Assert.True(stopwatch.ElapsedMilliseconds < 2000, $"Round {round}: {ended} ended, {exporter.Exported} exported: a wake-up was lost.");
                spin.SpinOnce();
            }
        }

        first.Join();
        second.Join();
        Assert.Equal(0, exporter.Overlaps);
    }

    private static BatchSpanProcessor Create(SpanExporter exporter, int batch) => new(exporter, new BatchSpanProcessorOptions
    {
        MaxQueueSize = 1 << 16,
        MaxExportBatchSize = batch,
        ScheduledDelayMilliseconds = 600_000,
        ExporterTimeoutMilliseconds = 30_000,
    });

    private static Activity[] NewSpans(int count) => Enumerable.Range(0, count).Select(_ => TraceTestKit.NewRecordedSpan()).ToArray();

    private static void EndBatches(BatchSpanProcessor processor, Activity[] spans, Barrier go, Barrier done, int rounds, int[]? delays)
    {
        for (var round = 0; round < rounds; round++)
        {
            go.SignalAndWait();
            if (delays is not null)
            {
                Thread.SpinWait(delays[round]);
            }

            foreach (var span in spans)
            {
                processor.OnEnd(span);
            }

            done.SignalAndWait();
        }
    }

    /// <summary>Counts exported spans, spins a random while per export (to widen races), and counts overlapping exports.</summary>
    private sealed class CheckingExporter(int maxSpin) : SpanExporter
    {
        private readonly Random _random = new(1);
        private long _exported;
        private int _inside;
        private int _overlaps;

        public long Exported => Interlocked.Read(ref _exported);

        public int Overlaps => Volatile.Read(ref _overlaps);

        public override ExportResult Export(ReadOnlySpan<Activity> batch)
        {
            if (Interlocked.Increment(ref _inside) != 1)
            {
                Interlocked.Increment(ref _overlaps);
            }

            foreach (var span in batch)
            {
                Assert.NotNull(span);
            }

            Thread.SpinWait(_random.Next(maxSpin));
            Interlocked.Add(ref _exported, batch.Length);
            Interlocked.Decrement(ref _inside);
            return ExportResult.Success;
        }
    }
}
