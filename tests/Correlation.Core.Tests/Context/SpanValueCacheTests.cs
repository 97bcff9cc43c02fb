using System.Diagnostics;
using System.Runtime.CompilerServices;
using Correlation.Context;

namespace Correlation.Core.Tests.Context;

/// <summary>The per-thread last entries of the span cache never keep an ended span alive.</summary>
public class SpanValueCacheTests
{
    private sealed record Holder(Activity Span);

    [Fact]
    public void An_ended_span_read_once_on_a_thread_that_then_idles_can_be_collected()
    {
        var cache = new SpanValueCache<Holder>(static span => new Holder(span));
        var datadog = TraceFieldSet.Create(new TraceContextOptions { Profile = TraceFieldProfile.Datadog });
        WeakReference? collected = null;
        using var read = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var idle = new Thread(() =>
        {
            collected = ReadOnceAndEnd(cache, datadog);
            read.Set();
            release.Wait();
        });
        idle.Start();
        try
        {
            Assert.True(read.Wait(TimeSpan.FromSeconds(20)));
            for (var i = 0; i < 3 && collected!.IsAlive; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            // The thread is alive and its slots untouched since: only a weak hold lets the span go.
            Assert.False(collected!.IsAlive);
        }
        finally
        {
            release.Set();
            idle.Join();
        }

        GC.KeepAlive(cache);
        GC.KeepAlive(datadog);
    }

    [Fact]
    public void The_same_value_is_returned_for_a_span_until_another_span_is_read()
    {
        var created = 0;
        var cache = new SpanValueCache<Holder>(span =>
        {
            created++;
            return new Holder(span);
        });
        var a = NewSpan();
        var b = NewSpan();

        var first = cache.Get(a);
        Assert.Same(first, cache.Get(a));
        Assert.Same(a, first.Span);
        Assert.Same(b, cache.Get(b).Span);
        Assert.Same(first, cache.Get(a));
        Assert.Equal(2, created);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference ReadOnceAndEnd(SpanValueCache<Holder> cache, TraceFieldSet datadog)
    {
        var span = NewSpan();
        span.AddTag("big", new string('t', 10_000));
        span.AddBaggage("big", new string('b', 10_000));
        Assert.Same(span, cache.Get(span).Span);
        Assert.NotNull(datadog.GetValue(span, 0));
        span.Stop();
        return new WeakReference(span);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Activity NewSpan()
    {
        var span = new Activity("cached");
        span.SetIdFormat(ActivityIdFormat.W3C);
        span.Start();
        Activity.Current = null;
        return span;
    }
}
