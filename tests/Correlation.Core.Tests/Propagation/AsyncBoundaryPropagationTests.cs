using System.Diagnostics;
using System.Threading.Channels;
using Correlation.Context;
using Correlation.Core.Tests.Support;
using Correlation.Propagation;

namespace Correlation.Core.Tests.Propagation;

/// <summary>
/// What an outgoing call sends depends on what is ambient when it is made: .NET flows <see cref="Activity.Current"/>
/// and OpenTelemetry's baggage across await, Task.Run and timers by itself; it does not across
/// <see cref="ThreadPool.UnsafeQueueUserWorkItem(WaitCallback, object)"/>, <see cref="ExecutionContext.SuppressFlow"/>
/// or a queue between two loops, and that is where <see cref="CapturedTraceContext"/> (in-process) or the headers
/// (across processes) carry it.
/// </summary>
public class AsyncBoundaryPropagationTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    private static Dictionary<string, string> InjectCurrent()
    {
        var headers = new Dictionary<string, string>();
        CorrelationPropagator.Default.InjectCurrent(headers, PropagationCarriers.DictionarySetter);
        return headers;
    }

    private static string TraceParentOf(Activity span) => $"00-{span.TraceId.ToHexString()}-{span.SpanId.ToHexString()}-01";

    [Fact]
    public async Task After_await_and_in_Task_Run_the_ambient_span_and_baggage_are_sent_without_help()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        OpenTelemetry.Baggage.SetBaggage("tenant", "acme");

        await Task.Yield();
        var afterAwait = InjectCurrent();
        var inTaskRun = await Task.Run(async () =>
        {
            await Task.Delay(1);
            return InjectCurrent();
        });

        Assert.Equal(TraceParentOf(span), afterAwait["traceparent"]);
        Assert.Equal("tenant=acme", afterAwait["baggage"]);
        Assert.Equal(afterAwait, inTaskRun);
    }

    [Fact]
    public void UnsafeQueueUserWorkItem_sends_nothing_unless_the_captured_context_is_restored()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        span.AddBaggage("tenant", "acme");
        var captured = CapturedTraceContext.Capture();
        Dictionary<string, string>? lost = null, restored = null;
        using var done = new CountdownEvent(1);

        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            lost = InjectCurrent();
            using (captured.Restore())
            {
                restored = InjectCurrent();
            }

            done.Signal();
        }, null);

        Assert.True(done.Wait(s_wait));
        Assert.Empty(lost!);
        Assert.Equal(TraceParentOf(span), restored!["traceparent"]);
        Assert.Equal("tenant=acme", restored["baggage"]);
    }

    [Fact]
    public async Task A_queue_between_two_loops_needs_the_headers_once_the_producer_span_has_ended()
    {
        using var spans = new TestSpans();
        var channel = Channel.CreateUnbounded<(CapturedTraceContext Captured, Dictionary<string, string> Headers)>();
        var producers = new List<Activity>();
        for (var i = 0; i < 3; i++)
        {
            using var producer = spans.Start("producer " + i);
            producers.Add(producer);
            var headers = new Dictionary<string, string>();
            CorrelationPropagator.Default.InjectCurrent(headers, PropagationCarriers.DictionarySetter);
            await channel.Writer.WriteAsync((CapturedTraceContext.Capture(), headers));
        }

        channel.Writer.Complete();
        Task<List<(string Own, string Restored, string Consumed)>> worker;
        using (var loop = spans.Start("worker loop"))
        {
            // The loop starts under its own span; that, not a producer's, is what flows into it.
            worker = Task.Run(async () =>
            {
                var results = new List<(string, string, string)>();
                await foreach (var (captured, headers) in channel.Reader.ReadAllAsync())
                {
                    var own = InjectCurrent()["traceparent"];
                    string restored;
                    using (captured.Restore())
                    {
                        // The producer span has stopped: the runtime refuses to make it current again.
                        restored = InjectCurrent()["traceparent"];
                    }

                    using var consumer = MessagePropagation.StartConsume(spans.Source, "inproc", "work", headers, PropagationCarriers.DictionaryGetter)!;
                    results.Add((own, restored, consumer.ParentId!));
                }

                return results;
            });
        }

        var results = await worker.WaitAsync(s_wait);

        Assert.Equal(3, results.Count);
        Assert.Single(results.Select(r => r.Own).Distinct());
        Assert.DoesNotContain(producers, p => results[0].Own.Contains(p.TraceId.ToHexString(), StringComparison.Ordinal));
        Assert.Equal(results.Select(r => r.Own), results.Select(r => r.Restored));
        Assert.Equal(producers.Select(TraceParentOf), results.Select(r => r.Consumed));
    }

    [Fact]
    public async Task Capture_and_restore_carry_a_span_that_is_still_running_into_a_worker_loop()
    {
        using var spans = new TestSpans();
        var channel = Channel.CreateUnbounded<CapturedTraceContext>();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task worker;
        using (ExecutionContext.SuppressFlow())
        {
            worker = Task.Run(async () =>
            {
                var captured = await channel.Reader.ReadAsync();
                using (captured.Restore())
                {
                    received.SetResult(InjectCurrent()["traceparent"]);
                }
            });
        }

        using var request = spans.Start("request");
        await channel.Writer.WriteAsync(CapturedTraceContext.Capture());

        Assert.Equal(TraceParentOf(request), await received.Task.WaitAsync(s_wait));
        await worker.WaitAsync(s_wait);
    }

    [Fact]
    public void An_extracted_context_is_not_ambient_until_a_span_is_started_under_it()
    {
        using var spans = new TestSpans();
        var extracted = Headers.Extract(Headers.Valid, "rojo=1", "tenant=acme");

        Assert.Null(Activity.Current);
        Assert.Empty(InjectCurrent());

        using var consumer = spans.Source.StartActivity("consume", ActivityKind.Consumer, extracted.ActivityContext)!;
        extracted.Baggage.AddTo(consumer);
        var sent = InjectCurrent();

        Assert.Equal(Headers.TraceId, consumer.TraceId.ToHexString());
        Assert.Equal($"00-{Headers.TraceId}-{consumer.SpanId.ToHexString()}-01", sent["traceparent"]);
        Assert.Equal("rojo=1", sent["tracestate"]);
        Assert.Equal("tenant=acme", sent["baggage"]);
        Assert.Equal("acme", TraceBaggage.GetItem("tenant"));
    }
}
