using System.Diagnostics;
using System.Threading.Channels;
using Correlation.Context;
using Correlation.Core.Tests.Support;

namespace Correlation.Core.Tests.Context;

/// <summary>Where .NET flows Activity.Current by itself, and where the capture/restore helper is needed.</summary>
public class ContextFlowTests
{
    private static readonly TraceFieldSet Fields = TraceFieldSet.Create(new TraceContextOptions { Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId });

    private static (string? TraceId, string? SpanId, string? ParentId) ReadNow()
    {
        var span = TraceFieldSet.CurrentSpan();
        return (Fields.GetValue(span, 0), Fields.GetValue(span, 1), Fields.GetValue(span, 2));
    }

    private static (string, string, string?) Expected(Activity span)
        => (span.TraceId.ToHexString(), span.SpanId.ToHexString(), span.ParentSpanId == default ? null : span.ParentSpanId.ToHexString());

    [Fact]
    public async Task The_reader_sees_the_span_after_await()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();

        await Task.Yield();
        await Task.Delay(1);

        Assert.Equal(Expected(span), ReadNow());
    }

    [Fact]
    public async Task The_reader_sees_the_span_in_Task_Run()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();

        var seen = await Task.Run(ReadNow);

        Assert.Equal(Expected(span), seen);
    }

    [Fact]
    public async Task The_reader_sees_the_span_in_Parallel_ForEachAsync()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        var seen = new System.Collections.Concurrent.ConcurrentBag<(string?, string?, string?)>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 16), async (_, ct) =>
        {
            await Task.Yield();
            seen.Add(ReadNow());
        });

        Assert.Equal(16, seen.Count);
        Assert.All(seen, s => Assert.Equal(Expected(span), s));
    }

    [Fact]
    public async Task The_reader_sees_the_span_in_a_timer_callback()
    {
        using var spans = new TestSpans();
        var done = new TaskCompletionSource<(string?, string?, string?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Activity span;
        Timer timer;
        using (span = spans.Start())
        {
            timer = new Timer(_ => done.TrySetResult(ReadNow()), null, 10, Timeout.Infinite);
        }

        await using (timer)
        {
            Assert.Equal(Expected(span), await done.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public void The_reader_sees_the_span_in_a_new_thread()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        (string?, string?, string?) seen = default;

        var thread = new Thread(() => seen = ReadNow());
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)));

        Assert.Equal(Expected(span), seen);
    }

    [Fact]
    public async Task Across_a_channel_the_consumer_sees_its_own_span_unless_it_restores_the_captured_context()
    {
        using var spans = new TestSpans();
        var channel = Channel.CreateUnbounded<CapturedTraceContext>();

        // The consumer loop starts under its own span: that is the context that flows into it, not the producer's.
        using var consumerSpan = spans.Start("consumer-loop");
        var consumer = Task.Run(async () =>
        {
            var context = await channel.Reader.ReadAsync();
            var own = ReadNow();
            using (context.Restore())
            {
                return (own, restored: ReadNow());
            }
        });

        Activity.Current = null;
        using var producer = spans.Start("producer");
        await channel.Writer.WriteAsync(CapturedTraceContext.Capture());
        var (own, restored) = await consumer.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotEqual(consumerSpan.TraceId, producer.TraceId);
        Assert.Equal(Expected(consumerSpan), own);
        Assert.Equal(Expected(producer), restored);
    }

    [Fact]
    public void Under_SuppressFlow_the_context_is_lost_and_the_helper_restores_it()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        var captured = CapturedTraceContext.Capture();
        (string?, string?, string?) lost = default, restored = default, afterScope = ("x", "x", "x");
        using var done = new CountdownEvent(1);

        using (ExecutionContext.SuppressFlow())
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                lost = ReadNow();
                using (captured.Restore())
                {
                    restored = ReadNow();
                }

                afterScope = ReadNow();
                done.Signal();
            }, null);
        }

        Assert.True(done.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal((null, null, null), lost);
        Assert.Equal(Expected(span), restored);
        Assert.Equal((null, null, null), afterScope);
    }

    [Fact]
    public void UnsafeQueueUserWorkItem_does_not_flow_the_context_and_Run_restores_it()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        var captured = CapturedTraceContext.Capture();
        (string?, string?, string?) lost = default, restored = default, after = ("unset", null, null);
        using var done = new CountdownEvent(1);

        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            lost = ReadNow();
            captured.Run(() => restored = ReadNow());
            after = ReadNow();
            done.Signal();
        }, null);

        Assert.True(done.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal((null, null, null), lost);
        Assert.Equal(Expected(span), restored);
        Assert.Equal((null, null, null), after);
    }

    [Fact]
    public void Restore_also_carries_OpenTelemetry_baggage()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        OpenTelemetry.Baggage.SetBaggage("tenant.id", "acme-corp");
        var captured = CapturedTraceContext.Capture();
        string? seen = "unset";
        using var done = new CountdownEvent(1);

        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            using (captured.Restore())
            {
                seen = TraceBaggage.GetItem("tenant.id");
            }

            done.Signal();
        }, null);

        Assert.True(done.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal("acme-corp", seen);
        OpenTelemetry.Baggage.ClearBaggage();
    }

    [Fact]
    public void Restoring_a_stopped_span_leaves_the_current_activity_but_restores_the_baggage()
    {
        using var spans = new TestSpans();
        CapturedTraceContext captured;
        using (spans.Start("ended before the work runs"))
        {
            OpenTelemetry.Baggage.SetBaggage("tenant.id", "acme-corp");
            captured = CapturedTraceContext.Capture();
            OpenTelemetry.Baggage.ClearBaggage();
        }

        using var running = spans.Start("current where the work runs");
        using (captured.Restore())
        {
            Assert.Same(running, Activity.Current);
            Assert.Equal("acme-corp", TraceBaggage.GetItem("tenant.id"));
        }

        Assert.Same(running, Activity.Current);
        Assert.Null(TraceBaggage.GetItem("tenant.id"));
    }

    [Fact]
    public async Task A_scope_opened_where_the_current_span_has_already_stopped_does_not_leave_the_restored_span_current()
    {
        using var spans = new TestSpans();
        using var message = spans.Start("message published elsewhere");
        var captured = CapturedTraceContext.Capture();
        Activity.Current = null;

        // Background work started under a request span that ends before the work runs: the work's flow still holds
        // the stopped request span as Activity.Current (the runtime flows it, and refuses to set it again).
        using var host = spans.Start("host");
        var request = spans.Start("request");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var background = Task.Run(async () =>
        {
            await gate.Task;
            var before = Activity.Current;
            using (captured.Restore())
            {
                Assert.Same(message, Activity.Current);
            }

            return (before, after: Activity.Current, read: ReadNow());
        });
        request.Stop();
        gate.SetResult();
        var (before, after, read) = await background.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Same(request, before);
        Assert.True(before!.IsStopped);
        Assert.NotSame(message, after);
        Assert.Same(host, after);
        Assert.Equal(Expected(host), read);
    }

    [Fact]
    public void Run_puts_back_the_previous_context_when_the_work_throws()
    {
        using var spans = new TestSpans();
        using var message = spans.Start("message");
        OpenTelemetry.Baggage.SetBaggage("tenant.id", "acme-corp");
        var captured = CapturedTraceContext.Capture();
        OpenTelemetry.Baggage.ClearBaggage();
        Activity.Current = null;
        using var worker = spans.Start("worker");

        var thrown = Assert.Throws<InvalidOperationException>(() => captured.Run(() =>
        {
            Assert.Same(message, Activity.Current);
            throw new InvalidOperationException("the work failed");
        }));

        Assert.Equal("the work failed", thrown.Message);
        Assert.Same(worker, Activity.Current);
        Assert.Null(TraceBaggage.GetItem("tenant.id"));
    }

    [Fact]
    public async Task Restoring_in_a_forked_flow_changes_the_baggage_of_that_flow_alone()
    {
        // OpenTelemetry keeps Baggage.Current in a holder that every flow forked after it was made shares; setting
        // Baggage.Current through it in one worker changes the baggage the parent and the other workers see.
        OpenTelemetry.Baggage.SetBaggage("tenant.id", "first");
        var first = CapturedTraceContext.Capture();
        OpenTelemetry.Baggage.SetBaggage("tenant.id", "second");
        var second = CapturedTraceContext.Capture();
        OpenTelemetry.Baggage.SetBaggage("tenant.id", "request");
        try
        {
            using var bothInside = new CountdownEvent(2);
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            async Task<(string?, string?)> Work(CapturedTraceContext captured)
            {
                using (captured.Restore())
                {
                    bothInside.Signal();
                    await release.Task;
                    var inside = TraceBaggage.GetItem("tenant.id");
                    return (inside, await Task.Run(() => TraceBaggage.GetItem("tenant.id")));
                }
            }

            var one = Task.Run(() => Work(first));
            var two = Task.Run(() => Work(second));
            Assert.True(bothInside.Wait(TimeSpan.FromSeconds(10)));
            var parentDuring = TraceBaggage.GetItem("tenant.id");
            release.SetResult();

            Assert.Equal(("first", "first"), await one.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(("second", "second"), await two.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal("request", parentDuring);
            Assert.Equal("request", TraceBaggage.GetItem("tenant.id"));
        }
        finally
        {
            OpenTelemetry.Baggage.ClearBaggage();
        }
    }

    [Fact]
    public void Nested_spans_report_the_innermost_span_and_its_parent()
    {
        using var spans = new TestSpans();
        using var outer = spans.Start("outer");
        using (var inner = spans.Start("inner"))
        {
            Assert.Equal((outer.TraceId.ToHexString(), inner.SpanId.ToHexString(), outer.SpanId.ToHexString()), ReadNow());
        }

        Assert.Equal(Expected(outer), ReadNow());
    }
}
