using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Correlation.Trace.Processing;

namespace Correlation.Benchmarks.Trace;

/// <summary>
/// The batch queue alone, on one thread: a span added per operation, and every 512 additions the batch taken out, as
/// the worker does (so the cost per span includes its share of the drain). No wake-up, no second thread: the part of
/// <see cref="BatchSpanProcessor"/> that is plain code.
/// </summary>
[MemoryDiagnoser]
public class SpanQueueBenchmarks
{
    private const int Batch = 512;

    private readonly Activity[] _batch = new Activity[Batch];
    private SpanQueue _queue = null!;
    private Activity _span = null!;

    [GlobalSetup]
    public void Setup()
    {
        _queue = new SpanQueue(BatchSpanProcessorOptions.DefaultMaxQueueSize);
        _span = new Activity("span");
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void AddThenTakeBatch()
    {
        for (var i = 0; i < Batch; i++)
        {
            _queue.TryAdd(_span, out _);
        }

        _queue.TakeBatch(_batch, Batch);
    }
}
