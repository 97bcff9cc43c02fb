using System.Diagnostics;
using Correlation.Trace.Processing;

namespace Correlation.Benchmarks.Trace;

/// <summary>
/// Stand-ins for the batch processor that do only part of its work, to measure what each part costs per span: set
/// <c>PAIRED_SPANS_PROCESSOR</c> to <c>noop</c> (the provider alone), <c>count</c> (one interlocked increment per span)
/// or <c>ring</c> (one interlocked increment and a store into a 2048-slot ring that keeps the last spans alive, as the
/// queue does, but no worker thread and no wake-up). Unset, <see cref="SpanBenchmarks"/> uses the real
/// <see cref="BatchSpanProcessor"/>.
/// </summary>
internal static class FloorSpanProcessors
{
    public static SpanProcessor? FromEnvironment() => Environment.GetEnvironmentVariable("PAIRED_SPANS_PROCESSOR") switch
    {
        "noop" => new NoopProcessor(),
        "count" => new CountingProcessor(),
        "ring" => new RingProcessor(),
        _ => null,
    };

    private sealed class NoopProcessor : SpanProcessor
    {
    }

    private sealed class CountingProcessor : SpanProcessor
    {
        private long _count;

        public override void OnEnd(Activity span)
        {
            if (span.Recorded)
            {
                Interlocked.Increment(ref _count);
            }
        }
    }

    private sealed class RingProcessor : SpanProcessor
    {
        private readonly Activity?[] _ring = new Activity?[BatchSpanProcessorOptions.DefaultMaxQueueSize];
        private long _count;

        public override void OnEnd(Activity span)
        {
            if (span.Recorded)
            {
                var added = Interlocked.Increment(ref _count);
                _ring[added & (_ring.Length - 1)] = span;
            }
        }
    }
}
