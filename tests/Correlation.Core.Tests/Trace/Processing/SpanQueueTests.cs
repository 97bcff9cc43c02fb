using System.Diagnostics;
using Correlation.Trace.Processing;

namespace Correlation.Core.Tests.Trace.Processing;

public class SpanQueueTests
{
    [Fact]
    public void The_bound_is_exact_for_a_capacity_that_is_not_a_power_of_two_and_order_is_kept()
    {
        var queue = new SpanQueue(5);
        var spans = Enumerable.Range(0, 9).Select(i => TraceTestKit.NewRecordedSpan("s" + i)).ToArray();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(SpanQueue.AddResult.Added, queue.TryAdd(spans[i], out var added));
            Assert.Equal(i + 1, added);
        }

        Assert.Equal(SpanQueue.AddResult.Full, queue.TryAdd(spans[5], out _));
        Assert.Same(spans[0], TakeOne(queue));
        Assert.Same(spans[1], TakeOne(queue));
        Assert.Equal(SpanQueue.AddResult.Added, queue.TryAdd(spans[5], out _));
        Assert.Equal(SpanQueue.AddResult.Added, queue.TryAdd(spans[6], out _));
        Assert.Equal(SpanQueue.AddResult.Full, queue.TryAdd(spans[7], out _));
        Assert.Equal(5, queue.Count);

        Assert.Equal(7, queue.Close());
        Assert.Equal(SpanQueue.AddResult.Closed, queue.TryAdd(spans[8], out _));
        var rest = new List<Activity>();
        while (queue.Count > 0)
        {
            rest.Add(TakeOne(queue));
        }

        Assert.Equal(spans[2..7], rest);
    }

    [Fact]
    public void Many_producers_wrapping_the_ring_many_times_lose_and_duplicate_nothing()
    {
        var queue = new SpanQueue(7);
        var span = TraceTestKit.NewRecordedSpan();
        long added = 0;
        long full = 0;
        var taken = 0L;
        var batch = new Activity[5];
        using var done = new CancellationTokenSource();
        var consumer = Task.Run(() =>
        {
            while (!done.IsCancellationRequested || queue.Count > 0)
            {
                var count = (int)Math.Min(queue.Count, batch.Length);
                if (count > 0)
                {
                    queue.TakeBatch(batch, count);
                    Assert.All(batch[..count], s => Assert.Same(span, s));
                    taken += count;
                }
            }
        });
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                if (queue.TryAdd(span, out _) == SpanQueue.AddResult.Added)
                {
                    Interlocked.Increment(ref added);
                }
                else
                {
                    Interlocked.Increment(ref full);
                }
            }
        });
        done.Cancel();
        Assert.True(consumer.Wait(20_000));

        Assert.Equal(80_000, added + full);
        Assert.Equal(added, taken);
        Assert.Equal(added, queue.AddedCount);
    }

    [Fact]
    public void TakeBatch_takes_in_order_across_the_end_of_the_ring_and_frees_the_room()
    {
        var queue = new SpanQueue(4);
        var spans = Enumerable.Range(0, 7).Select(i => TraceTestKit.NewRecordedSpan("s" + i)).ToArray();
        var batch = new Activity[4];
        for (var i = 0; i < 3; i++)
        {
            queue.TryAdd(spans[i], out _);
        }

        queue.TakeBatch(batch, 2);
        Assert.Equal(spans[0..2], batch[0..2]);
        Assert.Equal(2, queue.RemovedCount);
        for (var i = 3; i < 6; i++)
        {
            Assert.Equal(SpanQueue.AddResult.Added, queue.TryAdd(spans[i], out _));
        }

        Assert.Equal(SpanQueue.AddResult.Full, queue.TryAdd(spans[6], out _));
        queue.TakeBatch(batch, 4);
        Assert.Equal(spans[2..6], batch);
        Assert.Equal(0, queue.Count);
        Assert.Equal(SpanQueue.AddResult.Added, queue.TryAdd(spans[6], out _));
    }

    [Fact]
    public void Taken_spans_are_not_kept_reachable_by_the_queue()
    {
        var queue = new SpanQueue(8);
        var batch = new Activity[3];
        var taken = AddThree(queue);
        queue.TakeBatch(batch, 3);
        Array.Clear(batch);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.All(taken, weak => Assert.False(weak.IsAlive));
    }

    [Fact]
    public void A_batch_array_of_a_derived_activity_type_is_refused_before_anything_is_taken()
    {
        var queue = new SpanQueue(4);
        queue.TryAdd(TraceTestKit.NewRecordedSpan(), out _);

        Activity[] covariant = new DerivedActivity[1];
        Assert.Throws<ArgumentException>(() => queue.TakeBatch(covariant, 1));
        Assert.Equal(1, queue.Count);

        var batch = new Activity[1];
        queue.TakeBatch(batch, 1);
        Assert.NotNull(batch[0]);
        Assert.Equal(0, queue.Count);
    }

    private sealed class DerivedActivity() : Activity("derived");

    private static Activity TakeOne(SpanQueue queue)
    {
        var batch = new Activity[1];
        queue.TakeBatch(batch, 1);
        return batch[0];
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference[] AddThree(SpanQueue queue)
    {
        var weak = new WeakReference[3];
        for (var i = 0; i < 3; i++)
        {
            var span = TraceTestKit.NewRecordedSpan();
            queue.TryAdd(span, out _);
            weak[i] = new WeakReference(span);
        }

        return weak;
    }
}
