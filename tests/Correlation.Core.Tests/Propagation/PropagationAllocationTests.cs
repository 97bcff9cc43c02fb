using System.Diagnostics;
using Correlation.Propagation;

namespace Correlation.Core.Tests.Propagation;

/// <summary>What one inject or extract allocates in steady state (warmed up on the same thread).</summary>
public class PropagationAllocationTests
{
    private static long AllocatedBy(Action action)
    {
        for (var i = 0; i < 3; i++)
        {
            action();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static Activity StartedSpan()
    {
        var span = new Activity("client").SetIdFormat(ActivityIdFormat.W3C);
        span.SetParentId(ActivityTraceId.CreateFromString(Headers.TraceId), ActivitySpanId.CreateFromString(Headers.SpanId), ActivityTraceFlags.Recorded);
        span.TraceStateString = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";
        span.Start();
        Activity.Current = null;
        return span;
    }

    [Fact]
    public void Injecting_a_span_without_baggage_allocates_nothing()
    {
        using var span = StartedSpan();
        var headers = new Dictionary<string, string>();

        var bytes = AllocatedBy(() => CorrelationPropagator.Default.Inject(span, headers, PropagationCarriers.DictionarySetter));

        Assert.Equal(0, bytes);
        Assert.Same(span.Id, headers["traceparent"]);
        Assert.Same(span.TraceStateString, headers["tracestate"]);
    }

    [Fact]
    public void Injecting_one_baggage_item_allocates_little_more_than_the_header_string()
    {
        using var span = StartedSpan();
        span.AddBaggage("userId", "alice");
        var headers = new Dictionary<string, string>();

        var bytes = AllocatedBy(() => CorrelationPropagator.Default.Inject(span, headers, PropagationCarriers.DictionarySetter));

        // "userId=alice" (48 bytes) and the runtime's Activity.Baggage enumerator.
        Assert.InRange(bytes, 1, 128);
        Assert.Equal("userId=alice", headers["baggage"]);
    }

    [Fact]
    public void Extracting_a_traceparent_and_canonical_tracestate_allocates_only_the_two_ids()
    {
        var headers = Headers.Dictionary(Headers.Valid, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");

        // ActivityTraceId and ActivitySpanId hold their hex strings: 88 + 56 bytes, whoever parses them.
        PropagatedContext extracted = default;
        var bytes = AllocatedBy(() => extracted = CorrelationPropagator.Default.Extract(headers, PropagationCarriers.DictionaryGetter));

        Assert.InRange(bytes, 1, 144);
        Assert.Equal(Headers.TraceId, extracted.ActivityContext.TraceId.ToHexString());
        Assert.Equal(Headers.SpanId, extracted.ActivityContext.SpanId.ToHexString());
        Assert.Equal("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", extracted.ActivityContext.TraceState);
    }

    [Fact]
    public void Extracting_one_baggage_item_reuses_the_key_string()
    {
        var headers = Headers.Dictionary(null, null, "userId=alice");
        var first = CorrelationPropagator.Default.Extract(headers, PropagationCarriers.DictionaryGetter).Baggage[0];
        var second = CorrelationPropagator.Default.Extract(headers, PropagationCarriers.DictionaryGetter).Baggage[0];

        PropagatedContext extracted = default;
        var bytes = AllocatedBy(() => extracted = CorrelationPropagator.Default.Extract(headers, PropagationCarriers.DictionaryGetter));

        Assert.Equal("alice", extracted.Baggage.GetValue("userId"));
        Assert.Same(first.Key, extracted.Baggage[0].Key);
        Assert.Same(first.Key, second.Key);
        Assert.NotSame(first.Value, second.Value);
        Assert.InRange(bytes, 1, 128);
    }
}
