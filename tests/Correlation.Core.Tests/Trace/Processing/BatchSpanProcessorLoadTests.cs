using System.Diagnostics;
using Correlation.Trace;
using Correlation.Trace.Exporting;
using Correlation.Trace.Processing;
using Correlation.Trace.Sampling;

namespace Correlation.Core.Tests.Trace.Processing;

/// <summary>
/// 4 threads end 200,000 real spans (started on an ActivitySource the provider listens to) through the batch
/// processor into the in-memory exporter. The counts must add up exactly; nothing here measures time.
/// </summary>
public class BatchSpanProcessorLoadTests
{
    private const int Threads = 4;
    private const int SpansPerThread = 50_000;
    private const int Produced = Threads * SpansPerThread;

    private static (List<Activity> Exported, BatchSpanProcessor Processor) Run(int queueSize, int batchSize)
    {
        var name = TraceTestKit.UniqueSourceName("Load");
        using var source = new ActivitySource(name);
        var exported = new List<Activity>(Produced);
        var processor = new BatchSpanProcessor(
            new InMemorySpanExporter(exported),
            new BatchSpanProcessorOptions
            {
                MaxQueueSize = queueSize,
                MaxExportBatchSize = batchSize,
                ScheduledDelayMilliseconds = 20,
                ExporterTimeoutMilliseconds = 30_000,
            });
        var provider = TracerProvider.CreateBuilder()
            .AddSource(name)
            .SetSampler(new AlwaysOnSampler())
            .AddProcessor(processor)
            .Build();

        using var start = new Barrier(Threads);
        var workers = new Thread[Threads];
        for (var t = 0; t < Threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                Activity.Current = null;
                start.SignalAndWait();
                for (var i = 0; i < SpansPerThread; i++)
                {
                    using var span = source.StartActivity("load");
                }
            });
            workers[t].Start();
        }

        foreach (var worker in workers)
        {
            Assert.True(worker.Join(25_000), "a producer thread did not finish");
        }

        Assert.True(provider.Shutdown(20_000));
        provider.Dispose();
        return (exported, processor);
    }

    [Fact]
    public void With_a_queue_big_enough_nothing_is_dropped_and_each_span_is_exported_exactly_once()
    {
        var (exported, processor) = Run(queueSize: Produced, batchSize: 512);

        Assert.Equal(0, processor.DroppedCount);
        Assert.Equal(Produced, processor.ExportedCount);
        Assert.Equal(Produced, exported.Count);
        Assert.Equal(Produced, new HashSet<Activity>(exported, ReferenceEqualityComparer.Instance).Count);
        Assert.All(exported, span => Assert.True(span.Recorded));
    }

    [Fact]
    public void With_a_small_queue_dropped_plus_exported_equals_produced()
    {
        var (exported, processor) = Run(queueSize: 256, batchSize: 64);

        Assert.Equal(Produced, processor.DroppedCount + processor.ExportedCount);
        Assert.Equal(0, processor.FailedCount);
        Assert.Equal(processor.ExportedCount, exported.Count);
        Assert.Equal(exported.Count, new HashSet<Activity>(exported, ReferenceEqualityComparer.Instance).Count);
    }
}
