using Correlation.Core.Tests.Support;
using Correlation.Propagation;

namespace Correlation.Core.Tests.Propagation;

/// <summary>SPEC 1-3: what the propagator swallows or drops is reported on the library's EventSource.</summary>
public class PropagationDiagnosticsTests
{
    [Fact]
    public void A_setter_that_throws_is_reported_as_swallowed()
    {
        using var events = new CorrelationEvents();
        var marker = "broken carrier " + Guid.NewGuid().ToString("N");

        CorrelationPropagator.Default.Inject(new PropagatedContext(Headers.Context()), marker, static (m, _, _) => throw new InvalidOperationException(m));

        Assert.Contains(events.Messages, m => m.StartsWith("ErrorSwallowed: Correlation.Propagation.Inject", StringComparison.Ordinal) && m.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public void A_getter_that_throws_is_reported_and_the_given_context_returned()
    {
        using var events = new CorrelationEvents();
        var marker = "broken getter " + Guid.NewGuid().ToString("N");
        var given = new PropagatedContext(Headers.Context("a=1"));

        var result = CorrelationPropagator.Default.Extract(given, marker, static (m, _) => throw new InvalidOperationException(m));

        Assert.Equal(given, result);
        Assert.Contains(events.Messages, m => m.StartsWith("ErrorSwallowed: Correlation.Propagation.Extract", StringComparison.Ordinal) && m.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public void Baggage_members_beyond_the_limits_are_counted_when_dropped()
    {
        // Other tests running in parallel extract the same 70-member shape (and the property tests drop members of
        // all counts): only the events written on this thread, by this extraction, count.
        using var events = new ThreadEvents();
        var header = string.Join(",", Enumerable.Range(0, 70).Select(i => $"dropcount{i}=v"));

        var baggage = Headers.BaggageOf(header);

        Assert.Equal(64, baggage.Count);
        var dropped = Assert.Single(events.OnThisThread, e => e.EventName == "Dropped");
        Assert.Equal("Correlation.Propagation.Baggage", dropped.Payload![0]);
        Assert.Equal(6L, dropped.Payload[1]);
    }

    [Fact]
    public void Hidden_baggage_items_take_no_member_slot_and_are_not_counted_as_dropped()
    {
        using var spans = new TestSpans();
        using var parent = spans.Start("parent");
        parent.AddBaggage("hidden.nothing", null);
        for (var i = 0; i <= 64; i++)
        {
            parent.AddBaggage($"slot{i}", "v");
        }

        using var child = spans.Start("child");
        child.AddBaggage("slot0", null);

        // 65 parent items, one hidden by the child: 64 visible, exactly the limit. Null items write nothing (as
        // Activity.GetBaggageItem sees them), so they neither take one of the 64 slots nor count as dropped.
        var (sent, dropped) = InjectCountingDropped(child);
        Assert.Equal(Enumerable.Range(1, 64).Select(i => $"slot{i}").Order(), sent.Order());
        Assert.Equal(0L, dropped);

        // One visible item more: one member is dropped, and counted.
        child.AddBaggage("slot65", "v");
        (sent, dropped) = InjectCountingDropped(child);
        Assert.Equal(64, sent.Length);
        Assert.Contains("slot65", sent);
        Assert.DoesNotContain("slot0", sent);
        Assert.Equal(1L, dropped);
    }

    [Fact]
    public void Past_64_keys_in_the_chain_hidden_and_repeated_keys_are_still_recognised()
    {
        using var spans = new TestSpans();
        using var parent = spans.Start("parent");
        for (var i = 0; i < 200; i++)
        {
            parent.AddBaggage($"slot{i}", "v");
        }

        using var child = spans.Start("child");
        child.AddBaggage("slot20", null);
        child.AddBaggage("slot5", "child");

        // The walk sees the child's two items, then the parent's newest first: slot5 and slot20 come back ~190 keys
        // later, past the first 64 keys. 200 keys, slot20 hidden: 199 visible, 64 sent, 135 dropped and counted.
        var (sent, dropped) = InjectCountingDropped(child);
        Assert.Equal(64, sent.Length);
        Assert.Equal("slot5", sent[0]);
        Assert.Equal(Enumerable.Range(137, 63).Select(i => $"slot{i}").Order(), sent.Skip(1).Order());
        Assert.Equal(135L, dropped);
    }

    /// <summary>The keys of the baggage header injected from <paramref name="span"/> and the members this injection reported dropped.</summary>
    private static (string[] Keys, long Dropped) InjectCountingDropped(System.Diagnostics.Activity span)
    {
        using var events = new ThreadEvents();
        var sent = new Dictionary<string, string>();
        CorrelationPropagator.Baggage.Inject(span, sent, PropagationCarriers.DictionarySetter);
        var keys = sent["baggage"].Split(',').Select(m => m[..m.IndexOf('=', StringComparison.Ordinal)]).ToArray();
        var dropped = events.OnThisThread.Where(e => e.EventName == "Dropped" && (string)e.Payload![0]! == "Correlation.Propagation.Baggage").Sum(e => (long)e.Payload![1]!);
        return (keys, dropped);
    }

    /// <summary>The library's events with the managed thread that wrote them (EventSource writes on the caller's thread).</summary>
    private sealed class ThreadEvents : System.Diagnostics.Tracing.EventListener
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(int Thread, System.Diagnostics.Tracing.EventWrittenEventArgs Event)> _events = new();

        public IEnumerable<System.Diagnostics.Tracing.EventWrittenEventArgs> OnThisThread
        {
            get
            {
                var thread = Environment.CurrentManagedThreadId;
                return _events.Where(e => e.Thread == thread).Select(e => e.Event).ToArray();
            }
        }

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
        {
            if (eventSource.Name == "Correlation")
            {
                EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
            => _events.Enqueue((Environment.CurrentManagedThreadId, eventData));
    }
}
